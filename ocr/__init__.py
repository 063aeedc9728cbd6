"""OCR: page images → text, words and a text layer (``ocr_page``) for the scan to go under (``text_page``,
``with_scan``); text → record type (``guess_record_type``; an administrative document holds none:
``no_record_reason``, ``review_reason``) and fields (``extract``)."""
from ocr.extract import extract
from ocr.page import PageOcr, ocr_page
from ocr.record_type import guess_record_type, no_record_reason, review_reason
from ocr.records import extract_records
from ocr.searchable import add_page, jpeg_image, place_page, text_page, text_page_of, with_scan, write_book
from ocr.words import Word

__all__ = ["PageOcr", "Word", "guess_record_type", "extract", "extract_records", "no_record_reason", "ocr_page",
           "review_reason", "add_page", "jpeg_image", "place_page", "text_page", "text_page_of", "with_scan",
           "write_book"]
