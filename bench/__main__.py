"""Run a benchmark by name: `uv run python -m bench NAME [options]`, or `all` for every one at default size."""
from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["ocr_throughput", "accuracy", "search", "ingest", "officer_load", "export", "book_pdf", "profile",
              "keying", "marks", "scale", "page_kinds"]


def main() -> None:
    args = sys.argv[1:]
    if not args or args[0] in ("-h", "--help"):
        print(__doc__, "\nbenchmarks:", ", ".join(BENCHMARKS))
        return
    names = BENCHMARKS if args[0] == "all" else [args[0]]
    for name in names:
        if name not in BENCHMARKS:
            sys.exit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
        importlib.import_module(f"bench.{name}").main(args[1:] if args[0] != "all" else [])


main()
