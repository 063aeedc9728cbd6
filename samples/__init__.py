"""Synthetic Vietnamese civil-status and land-certificate records, rendered as scanned books with ground truth.

generate_records(n, seed, record_type)   -> field dicts, fast (no rendering)
generate_book(out_dir, record_type, pages, seed, degradation, fmt) -> Book (PDF/TIFF/images + truth JSON)
date_in_words(date)                      -> "Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám"
main(argv)                               -> the ``python -m samples`` command line
"""

from samples.book import Book, generate_book, render_pages
from samples.cli import main
from samples.numerals import date_in_words, number_in_words
from samples.records import generate_records

__all__ = ["Book", "date_in_words", "generate_book", "generate_records", "main", "number_in_words", "render_pages"]
