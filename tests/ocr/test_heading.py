"""The national heading put back as Decree 30/2020 prints it (ocr/heading.py). The readings are those Tesseract
gave of generated photocopies' headings."""
from __future__ import annotations

import pytest

from ocr.heading import heading
from ocr.words import Word, page_text


def _lines(*texts: str) -> list[Word]:
    words = []
    for n, text in enumerate(texts):
        x = 800
        for t in text.split():
            words.append(Word(t, 0.8, x, 60 * n, 20 * len(t), 30, 1, n))
            x += 20 * len(t) + 15
    return words


@pytest.mark.parametrize("read, printed", [
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM.", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),  # a speck read as a stop
    ("CỘNG HÒA XÃ HỘI-CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),  # words run together
    ("CỘNG HÒA XÃ HỘT CHỦ NGHĨA VIỆT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("CỘNG HÒA XÃ HỘ E CHỦ NGHĨA VIỆT NAM ˆ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"),  # the old tone place, as printed
    ("Độc lập - Tự do.- Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),
    ("- Độc lập - Tự do Hạnh phúc:", "Độc lập - Tự do - Hạnh phúc"),  # a stamp's edge took a dash
])
def test_the_national_heading_is_put_back_as_printed(read, printed):
    words = heading(_lines("ỦY BAN NHÂN DÂN", read, "Số: 12/QĐ-UBND"))
    assert page_text(words).splitlines() == ["ỦY BAN NHÂN DÂN", printed, "Số: 12/QĐ-UBND"]


@pytest.mark.parametrize("read", [
    "UBND THÀNH PHỐ HỒ CHÍ MINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",  # two columns run into one line
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA",  # too little of it to say
    "Độc lập là quyền của dân tộc",
])
def test_a_line_that_is_not_the_heading_nearly_stays_as_read(read):
    assert page_text(heading(_lines(read))) == read
