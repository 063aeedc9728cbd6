"""Records: detail, provenance, versions, status and the review queue of doubtful fields."""
