"""``python -m index places-table [PATH]``: set-up's reading of every administrative unit's own name
(:mod:`index.places_table`), skipped while the file is current."""
from __future__ import annotations

import sys
from pathlib import Path

from .places_seen import BUILT_TABLE
from .places_table import make

if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or args[0] != "places-table" or len(args) > 2:
        sys.exit("usage: python -m index places-table [PATH]")
    make(Path(args[1]) if len(args) == 2 else BUILT_TABLE)
