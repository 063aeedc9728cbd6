"""A day or month written by pen into a date line's blanks is set aside and flagged; one printed stays
(ocr/date_blanks.py), on words placed as the page's read places them."""
from __future__ import annotations

from ocr.date_blanks import written_dates
from ocr.marks import HANDWRITING
from ocr.words import Word


def _line(cells: list[tuple[str, int, int]], line: int = 0, height: int = 34) -> list[Word]:
    """Words (text, gap before it, width) left to right from x = 900, one line."""
    out, x = [], 900
    for text, gap, width in cells:
        x += gap
        out.append(Word(text, 0.9, x, 300, width, height, 1, line))
        x += width
    return out


def _text(words: list[Word]) -> str:
    return " ".join(w.text for w in words)


def test_a_day_written_into_the_blank_goes_and_a_printed_month_stays():
    # "Hà Nội, ngày 16 tháng 8 năm 2026": the day written in its blank, the month printed one space away.
    words = _line([("Hà", 0, 40), ("Nội,", 12, 60), ("ngày", 13, 70), ("16", 29, 34), ("tháng", 31, 80),
                   ("8", 12, 16), ("năm", 11, 60), ("2026", 10, 70)])
    kept, marks = written_dates(words)
    assert _text(kept) == "Hà Nội, ngày tháng 8 năm 2026"
    assert [(m.kind, m.left, m.width) for m in marks] == [(HANDWRITING, words[3].left, 34)]


def test_a_printed_month_after_a_box_cut_short_stays():
    # An italic "tháng" boxed short of its "g": room on its side of the printed "3" only.
    words = _line([("Ninh", 0, 71), ("Bình,", 12, 77), ("ngày", 12, 54), ("tháng", 113, 62), ("3", 30, 18),
                   ("năm", 11, 62), ("2026", 11, 75)], height=27)
    assert written_dates(words) == (words, [])


def test_a_printed_date_in_a_sentence_stays():
    words = _line([("thực", 0, 60), ("hiện", 12, 60), ("từ", 11, 30), ("ngày", 12, 70), ("15", 13, 30),
                   ("tháng", 11, 80), ("09", 8, 30), ("năm", 11, 60), ("2026", 12, 70)])
    assert written_dates(words) == (words, [])


def test_a_justified_lines_wide_spaces_are_no_blanks():
    """A short line stretched to the margin spreads all its gaps: a number is written by hand only where its room is
    two of the line's own gaps between printed words."""
    words = _line([("trước", 0, 80), ("ngày", 40, 70), ("20", 40, 30), ("tháng", 40, 80), ("8", 40, 16),
                   ("năm", 40, 60), ("2026", 40, 70), ("để", 40, 30)])
    assert written_dates(words) == (words, [])


def test_only_numbers_between_the_date_words_are_looked_at():
    # "ngày 12 tháng" on another line, and a word (not a number) in a blank: nothing set aside.
    words = _line([("ngày", 0, 70), ("mười", 40, 70), ("tháng", 40, 80)]) + \
        _line([("Số", 0, 40), ("12", 60, 30), ("năm", 60, 60)], line=1)
    assert written_dates(words) == (words, [])


def test_a_hands_number_read_as_letters_goes_from_its_blank():
    # "Quảng Ngãi, ngày tháng t3 năm 2026": the month written by pen, read as "t3"; "ÌŸ" for a day
    for read in ("t3", "ÌŸ", "j1"):
        words = _line([("ngày", 0, 70), ("tháng", 40, 80), (read, 36, 40), ("năm", 38, 60), ("2026", 12, 70)])
        kept, marks = written_dates(words)
        assert _text(kept) == "ngày tháng năm 2026"
        assert [m.kind for m in marks] == [HANDWRITING]


def test_dots_printed_as_the_blank_stay():
    words = _line([("ngày", 0, 70), ("...", 36, 40), ("tháng", 38, 80), ("...", 36, 40), ("năm", 38, 60)])
    assert written_dates(words) == (words, [])
