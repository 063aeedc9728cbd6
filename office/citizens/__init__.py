"""Citizens: the records carrying their personal ID, their requests for copies, the copies issued to them."""
