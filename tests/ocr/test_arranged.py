"""The page's words are set aside on its marks before the layout orders them (ocr.page.arranged), on a real read:
Tesseract's words of a photocopied page's top, a receipt stamp over its number line (fixture)."""
from __future__ import annotations

import json
from pathlib import Path

from ocr.layout import reading_order
from ocr.marks import STAMP, Mark
from ocr.page import arranged
from ocr.words import Word

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "stamp_over_subject_line.json").read_text("utf-8"))


def _read() -> tuple[list[Word], Mark]:
    return [Word(*w) for w in FIXTURE["words"]], Mark(STAMP, *FIXTURE["stamp"], 1.0)


def _order(words: list[Word]) -> list[str]:
    return [w.text for w in words]


def test_a_stamps_label_beside_the_title_leaves_the_subject_line_after_it() -> None:
    words, stamp = _read()
    order = _order(arranged(words, [stamp]))
    assert "Chế." not in order  # the stamp's "Chuyển:" misread at 0.00, set aside
    assert order.index("THÔNG") < order.index("BÁO") < order.index("Về") < order.index("việc") < order.index("chỉnh")
    # the lines of the header's left column stay before the title
    assert order.index("HRỨ") < order.index("THÔNG")


def test_words_on_no_mark_are_all_kept() -> None:
    words, _ = _read()
    assert sorted(_order(arranged(words, []))) == sorted(_order(reading_order(words)))
