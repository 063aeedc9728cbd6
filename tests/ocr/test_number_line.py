"""The number line's label put back where the read lost it (ocr/number_line.py), on lines as the layout orders them."""
from __future__ import annotations

import pytest

from ocr.number_line import number_line
from ocr.words import SUPPLIED, Word, page_text


def _lines(*lines: str) -> list[Word]:
    out = []
    for n, text in enumerate(lines):
        x = 300
        for t in text.split():
            out.append(Word(t, 0.95, x, 40 + 50 * n, 20 * len(t), 30, 1, n))
            x += 20 * len(t) + 12
    return out


@pytest.mark.parametrize("code", ["/QĐ-UBND", "/TB-STP", "1658/KH-UBND", "41/UBND-KT", "/UBND"])
def test_a_number_line_that_lost_its_label_gets_it_back(code):
    words = number_line(_lines("ỦY BAN NHÂN DÂN", "XÃ VIỆT AN", code, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"))
    assert page_text(words).splitlines()[2] == f"Số: {code}"
    label, first = [w for w in words if w.line == 2][:2]
    assert label.conf == SUPPLIED and label.left + label.width < first.left


def test_a_label_read_in_capitals_is_written_as_printed():
    assert page_text(number_line(_lines("UBND TỈNH LÀO CAI", "SỐ: /QĐ-UBND"))).splitlines()[1] == "Số: /QĐ-UBND"


@pytest.mark.parametrize("lines", [
    ("ỦY BAN NHÂN DÂN", "Số: /QĐ-UBND"),  # read
    ("ỦY BAN NHÂN DÂN", "D_/TB-UBND"),  # junk glued to the code: no code alone
    ("Căn cứ Nghị định số 123/2015/NĐ-CP", "ngày 15 tháng 11"),  # a code inside a line
    ("SỐ: 12 NGƯỜI", "SỐ LIỆU"),
])
def test_other_lines_stay(lines):
    assert tuple(page_text(number_line(_lines(*lines))).splitlines()) == lines


def test_only_the_pages_top_is_looked_at():
    lines = ["Căn cứ Luật Hộ tịch"] * 8 + ["/QĐ-UBND"]
    assert page_text(number_line(_lines(*lines))).splitlines()[8] == "/QĐ-UBND"
