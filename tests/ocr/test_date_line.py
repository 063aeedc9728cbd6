"""A written-out date's misread word put back by the two others (ocr/date_line.py)."""
from __future__ import annotations

from ocr.date_line import date_words
from ocr.words import SUPPLIED, Word


def _line(text: str, line: int = 0) -> list[Word]:
    return [Word(t, 0.9, 100 + 80 * k, 100 + 50 * line, 70, 35, 1, line) for k, t in enumerate(text.split())]


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def test_the_month_word_misread_is_put_back():
    for read in ("Đồng Tháp, ngày thúng năm 2026", "Hà Nội, ngày 15 thán 3 năm 2024", "ngày 05 thúng 3 năm 2020;"):
        words = date_words(_line(read))
        assert "tháng" in _text(words), read
        assert next(w for w in words if w.text == "tháng").conf == SUPPLIED


def test_the_day_and_year_words_misread_are_put_back():
    assert _text(date_words(_line("Huế, ngà 16 tháng 8 năm 2026"))) == "Huế, ngày 16 tháng 8 năm 2026"
    assert _text(date_words(_line("Huế, ngày tháng năng 2026"))) == "Huế, ngày tháng năm 2026"
    assert _text(date_words(_line("Ngàv 16 tháng 8 năm 2026"))) == "Ngày 16 tháng 8 năm 2026"
    assert _text(date_words(_line("ngày 5 tháng 3 nấm 2026"))) == "ngày 5 tháng 3 năm 2026"
    assert _text(date_words(_line("ngày 15 hàng 3 năm 2024"))) == "ngày 15 tháng 3 năm 2024"


def test_a_phrase_read_right_or_not_a_date_is_left_alone():
    for read in ("Căn cứ Luật ngày 19 tháng 02 năm 2025;", "số ngày nghỉ năm 2024 của cán bộ",
                 "ngày thúng nấm 2026", "trong năm 2026", "ngày 15 của 3 năm 2024", "ngày 15 3 năm 2024"):
        assert _text(date_words(_line(read))) == read, read


def test_only_the_date_line_changes():
    words = _line("Độc lập - Tự do", 0) + _line("Tây Ninh, ngày thúng năm 2026", 1) + _line("THÔNG BÁO", 2)
    assert _text(date_words(words)) == "Độc lập - Tự do Tây Ninh, ngày tháng năm 2026 THÔNG BÁO"


def test_a_dates_day_and_month_read_as_numbers_or_as_nothing():
    """The day's and month's places hold a number or a blank: letters a worn copy reads for digits are those
    digits (doubtful); a pen's figures, a speck or a blank's dash read on a grey or black-and-white scan go."""
    for read, fixed in (("ngày 15 tháng lị năm 2015 của Chính phủ", "ngày 15 tháng 11 năm 2015 của Chính phủ"),
                        ("ngày 02 tháng H năm 2026", "ngày 02 tháng 11 năm 2026"),
                        ("ngày 31 tháng 1Ò năm 2026", "ngày 31 tháng 10 năm 2026"),
                        ("ngày 0B tháng 4 năm 2020", "ngày 08 tháng 4 năm 2020"),
                        ("Tiên Lãng, ngày T4 tháng 08 năm 2025", "Tiên Lãng, ngày 14 tháng 08 năm 2025"),
                        ("Khánh Hòa, ngày LEY tháng năm 2026", "Khánh Hòa, ngày tháng năm 2026"),
                        ("Vĩnh Long, ngày Ï7_ tháng 6 năm 2026", "Vĩnh Long, ngày tháng 6 năm 2026"),
                        ("Cà Mau, ngày — tháng năm 2026", "Cà Mau, ngày tháng năm 2026"),
                        ("Huế, ngà ` tháng 8 năm 2026", "Huế, ngày tháng 8 năm 2026"),
                        ("ngày 38 tháng 4 năm 2020", "ngày 38 tháng 4 năm 2020"),  # digits stay, out of range too
                        ("ngày 15 tháng 13 năm 2020", "ngày 15 tháng 13 năm 2020")):
        words = date_words(_line(read))
        assert _text(words) == fixed, read
    mended = next(w for w in date_words(_line("ngày 02 tháng H năm 2026")) if w.text == "11")
    assert mended.conf == SUPPLIED
    # not a date's phrase: left as read
    for read in ("ngày 15 của H năm 2024", "Tổ H tháng năm 2026", "ngày H tháng"):
        assert _text(date_words(_line(read))) == read, read
