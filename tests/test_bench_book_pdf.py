"""`python -m bench book_pdf` runs both assemblies over the same pages and prints its table (a few pages here)."""
from __future__ import annotations


def test_book_pdf_bench_prints_both_sides(capsys):
    from bench.book_pdf import SIDES, main

    main(["--pages", "3"])
    out = capsys.readouterr().out
    assert "book_pdf: 3 pages" in out and all(side in out for side in SIDES)
    assert "peak memory now / before:" in out
