"""Capture station: getting scanned books in — a watched scanner folder, separator sheets between books."""
