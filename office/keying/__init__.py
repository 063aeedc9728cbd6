"""The keying station: register entries keyed by hand, in single keying with review or blind double keying
with arbitration; only accepted entries become searchable records."""
