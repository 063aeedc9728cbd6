"""Synthetic Vietnamese civil-status and land-certificate records, rendered as scanned books with ground truth.

generate_records(n, seed, record_type)   -> field dicts, fast (no rendering)
generate_book(out_dir, record_type, pages, seed, degradation, fmt) -> Book (PDF/TIFF/images + truth JSON)
date_in_words(date)                      -> "Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám"
official_pages(pages, seed, degradation)  -> Decree 30/2020 documents scanned at 200 dpi, truth with ink regions
main(argv)                               -> the ``python -m samples`` command line
"""

from samples.book import Book, generate_book, render_pages
from samples.cli import main
from samples.numerals import date_in_words, number_in_words
from samples.official import generate_official, official_pages
from samples.records import generate_records

__all__ = ["Book", "date_in_words", "generate_book", "generate_official", "generate_records", "main",
           "official_pages", "number_in_words", "render_pages"]
