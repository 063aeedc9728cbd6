"""Progress of digitisation by batch, year and administrative unit."""
