"""``python -m samples OUT_DIR --type birth --pages 5 --seed 1 --degradation moderate --format pdf``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from samples.book import BOOK_TYPES, FORMATS, LAYOUTS, generate_book
from samples.degrade import LEVELS
from samples.official import MIXES, generate_official


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m samples", description="Write a synthetic scanned register book.")
    p.add_argument("out_dir", type=Path, help="folder to write the book and its truth JSON into")
    p.add_argument("--type", dest="record_type", choices=BOOK_TYPES, default="birth")
    p.add_argument("--layout", choices=LAYOUTS, default="form",
                   help="form: one extract/certificate per page; register: a table of entries per page")
    p.add_argument("--hand", action="store_true",
                   help="with --layout register: written by hand (needs the fonts scripts/bootstrap.sh installs)")
    p.add_argument("--pages", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--degradation", choices=tuple(LEVELS), default="moderate")
    p.add_argument("--format", dest="fmt", choices=FORMATS, default="pdf")
    p.add_argument("--photo", action="store_true",
                   help="phone photos of the pages on a desk (JPEG folder; --degradation and --format ignored)")
    p.add_argument("--spread", action="store_true",
                   help="pages two by two as open-book spreads on A3 (with --photo: those spreads photographed)")
    p.add_argument("--official", action="store_true",
                   help="administrative documents as Decree 30/2020 lays them out (decisions, notices, letters) "
                        "with seal, receipt stamp and numbers by hand, scanned at 200 dpi (PNG folder + truth; "
                        "--type, --layout, --format ignored)")
    p.add_argument("--mix", choices=tuple(MIXES),
                   help="with --official: a mix of scans per page instead of one --degradation")
    p.add_argument("--name", help="file name stem (default: TYPE-DEGRADATION-sSEED)")
    p.add_argument("--data-dir", type=Path, help="shared data folder with names/ (optional)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.pages < 1:
        parser().error("--pages must be at least 1")
    if args.official:
        prose = args.data_dir / "prose" if args.data_dir else None
        paths, truth = generate_official(args.out_dir, args.pages, args.seed, args.mix or args.degradation, prose,
                                         args.name)
        for path in [*paths, truth]:
            print(path)
        return 0
    if args.photo or args.spread:
        from samples.photo import generate_photos

        kind = "spread-photo" if args.photo and args.spread else "spread" if args.spread else "photo"
        print(generate_photos(args.out_dir, args.record_type, args.pages, args.seed, kind, args.data_dir, args.name,
                              args.layout))
        return 0
    book = generate_book(
        args.out_dir, args.record_type, args.pages, args.seed, args.degradation, args.fmt, args.data_dir, args.name,
        args.layout, args.hand,
    )
    for path in [*book.paths, book.truth_path]:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
