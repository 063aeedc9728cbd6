"""Where each entry's row is on a register page, so the station can highlight and enlarge it.

Records do not keep their row, so it is found again the way the register reader found it: the page's rules
(ocr.page.prepare on the stored image) and its OCR words give the table (ocr.register_table.find_table), whose bands
are the rows; each OCR record is matched to the band whose words it was read from. Without a table (a
handwritten page OCR could not read), the bands between horizontal rules below the first one are the rows.
"""
from __future__ import annotations

import io
import json

from PIL import Image

from domain.records import RecordType
from ocr.page import PageOcr, prepare
from ocr.register_table import cell_words, find_table
from ocr.words import Word
from storage.models import Page


def row_bands(page: Page, record_type: str, store) -> tuple[list[tuple[float, float]], list[str], list[str]]:
    """(bands as fractions of the page height, top to bottom; the text of each band's words; the fields of the
    table's columns, left to right, where a table was found)."""
    if not page.image_key:
        return [], [], []
    image = Image.open(io.BytesIO(store.get_bytes(page.image_key)))
    grey, _rotation, rules = prepare(image)
    height, width = grey.shape[:2]
    words: list[Word] = []
    if page.words_key:
        data = json.loads(store.get_bytes(page.words_key))
        words = [Word(**w) for w in data.get("words", [])]
    ocr = PageOcr(text="", confidence=0.0, words=words, width=width, height=height, rules=rules)
    table = find_table(ocr, RecordType(record_type)) if record_type in set(RecordType) else None
    if table is not None:
        bands = table.bands
        left, right = table.columns[0][0], table.columns[-1][1]
        columns = [name for _, _, name in table.columns]
    else:
        columns = []
        rows = sorted(rules.rows)
        bands = [(a, b) for a, b in zip(rows[1:], rows[2:], strict=False) if b - a > height * 0.02]
        left, right = 0, width
    texts = [" ".join(w.text for w in cell_words(words, left, right, top, bottom)) for top, bottom in bands]
    return [(round(top / height, 4), round(bottom / height, 4)) for top, bottom in bands], texts, columns
