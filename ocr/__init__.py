"""OCR: page images → text, words and searchable PDF (``ocr_page``); text → record type (``classify``) and
fields (``extract``)."""
from ocr.classify import classify
from ocr.extract import extract
from ocr.page import PageOcr, ocr_page
from ocr.records import extract_records
from ocr.words import Word

__all__ = ["PageOcr", "Word", "classify", "extract", "extract_records", "ocr_page"]
