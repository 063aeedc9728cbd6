import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.dates import date_in_words, parse_date, parse_year, words_to_number


@pytest.mark.parametrize(
    "text, iso",
    [
        ("15/03/1998", "1998-03-15"),
        ("15-3-1998", "1998-03-15"),
        ("5.3.1998", "1998-03-05"),
        ("ngày 15 tháng 3 năm 1998", "1998-03-15"),
        ("Hà Nội, ngày 02 tháng 11 năm 2020", "2020-11-02"),
        ("naày 24 tháng 09 năm 2011", "2011-09-24"),  # "ngày" misread: the day, month and year still read
        ("Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám", "1998-03-15"),
        ("ngày mùng một tháng năm năm hai nghìn không trăm linh năm", "2005-05-01"),
        ("ngày mồng mười tháng giêng năm hai nghìn lẻ ba", "2003-01-10"),
        ("Ngày hai mươi mốt tháng tư năm hai nghìn", "2000-04-21"),
        ("ngày hai mươi lăm tháng mười hai năm một nghìn chín trăm bốn mươi tư", "1944-12-25"),
        ("ngày ba mươi mốt tháng bảy năm hai nghìn hai mươi bốn", "2024-07-31"),
        # OCR that lost the diacritics still parses
        ("Ngay muoi lam thang ba nam mot nghin chin tram chin muoi tam", "1998-03-15"),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["", "31/02/1998", "ngày ba mươi tháng hai năm hai nghìn", "Kinh", "15/03/98"])
def test_parse_date_rejects(text):
    assert parse_date(text) is None


def test_number_words():
    assert words_to_number("hai muoi mot".split()) == 21
    assert words_to_number("muoi lam".split()) == 15
    assert words_to_number("mot tram linh nam".split()) == 105
    assert words_to_number("mot chin chin tam".split()) == 1998
    assert words_to_number("hai ba".split()) is None
    assert parse_year("Năm sinh: 1972") == "1972"


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_words_round_trip(d):
    assert parse_date(date_in_words(d.isoformat())) == d.isoformat()


@pytest.mark.parametrize("text, iso", [
    ("14122023", "2023-12-14"),  # both slashes lost
    ("05/012024", "2024-01-05"),  # one lost
    ("21⁄11⁄1956", "1956-11-21"),  # U+2044 fraction slash read for "/"
    ("14/0 1/2024", "2024-01-14"),  # a gap inside a number
    ("1 5/4/2026", "2026-04-15"),  # ... closed before a shorter date is looked for
    ("14/01/2023 14/01/22023", "2023-01-14"),  # a cell read twice: the gap between two dates stays
])
def test_parse_date_reads_numeric_dates_ocr_damaged(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["123456789", "1412202", "079123456789"])
def test_parse_date_does_not_take_other_numbers_for_dates(text):
    assert parse_date(text) is None
