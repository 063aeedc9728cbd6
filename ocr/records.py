"""Every record on a page: one per form, extract or certificate; one per table row on a register page."""
from __future__ import annotations

from domain.records import ExtractedRecord, RecordType
from ocr.extract import extract
from ocr.page import PageOcr
from ocr.register_table import register_records


def extract_records(page: PageOcr, record_type: RecordType | str, *, raw: bool = False) -> list[ExtractedRecord]:
    record_type = RecordType(record_type)
    rows = register_records(page, record_type, raw=raw)
    return rows if rows is not None else [extract(page, record_type, raw=raw)]
