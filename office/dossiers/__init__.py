"""Dossiers at the one-stop desk, the records attached to them, and certified electronic copies."""
