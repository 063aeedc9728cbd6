"""The append-only audit log: who read or changed what, as which role, from where."""
