"""The national heading put back as Decree 30/2020 prints it (ocr/heading.py). The readings are those Tesseract
gave of generated photocopies' headings."""
from __future__ import annotations

import pytest

from ocr.heading import columns_apart, heading, without_stops
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


def _rows(*rows: tuple[str, str], edge: int = 700) -> list[Word]:
    """Header rows read across both columns: each row's left text at x 100, its right text from ``edge``."""
    words = []
    for n, (left, right) in enumerate(rows):
        for x0, text in ((100, left), (edge, right)):
            x = x0
            for t in text.split():
                words.append(Word(t, 0.9, x, 60 * n, 18 * len(t), 30, 1, n))
                x += 18 * len(t) + 12
    return words


def test_a_header_read_row_by_row_across_both_columns_is_read_column_by_column():
    rows = [("UBND THÀNH PHỐ HỒ CHÍ MINH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ("SỞ TƯ PHÁP", "Độc lập - Tự do - Hạnh phúc"), ("Số: /TB-STP", "Hồ Chí Minh, ngày tháng 7 năm 2026")]
    words = _rows(*rows) + [Word("THÔNG", 0.9, 600, 200, 90, 30, 1, 3), Word("BÁO", 0.9, 700, 200, 60, 30, 1, 3)]
    assert page_text(columns_apart(words)).splitlines() == [
        "UBND THÀNH PHỐ HỒ CHÍ MINH", "SỞ TƯ PHÁP", "Số: /TB-STP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc", "Hồ Chí Minh, ngày tháng 7 năm 2026", "THÔNG BÁO"]


@pytest.mark.parametrize("rows", [
    [("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("", "Độc lập - Tự do - Hạnh phúc")],  # one row
    [("", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), ("", "Độc lập - Tự do - Hạnh phúc")],  # read apart already
    [("ỦY BAN NHÂN DÂN", "XÃ HỘI"), ("XÃ VIỆT AN", "Độc lập")],  # no country's name
])
def test_a_header_read_column_by_column_stays(rows):
    words = _rows(*rows)
    assert columns_apart(words) == words


def test_a_specks_stop_after_the_headers_capitals_and_the_date_line_goes():
    """Decree 30/2020 prints the issuing body's lines, the title and the place and date line with no stop: a speck
    read as one after their last word goes (the benchmark's black-and-white and grey copies: "ỦY BAN NHÂN DÂN.",
    "XÃ CÔNG CHÍNH.", "THÔNG BÁO.", "Đồng Tháp, ngày tháng năm 2026."). An abbreviation's point stays ("UBND TP."),
    and so do the number line's and a body line's stops."""
    read = ("ỦY BAN NHÂN DÂN.", "XÃ CÔNG CHÍNH.", "Số: 12/TB-UBND.", "Đồng Tháp, ngày tháng năm 2026.", "THÔNG BÁO.",
            "UBND TP.", "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014.", "TP. Hồ Chí Minh, ngày 3 tháng 4 năm 2026.")
    assert page_text(without_stops(_lines(*read))).splitlines() == [
        "ỦY BAN NHÂN DÂN", "XÃ CÔNG CHÍNH", "Số: 12/TB-UBND.", "Đồng Tháp, ngày tháng năm 2026", "THÔNG BÁO",
        "UBND TP.", "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014.", "TP. Hồ Chí Minh, ngày 3 tháng 4 năm 2026"]
    # below the page's top lines, a line in capitals keeps what it was read with
    assert page_text(without_stops(_lines(*["Dòng một."] * 10, "KẾT LUẬN."))).splitlines()[-1] == "KẾT LUẬN."
