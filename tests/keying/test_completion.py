"""Completions (names by frequency, places of both eras, the book's own values) and the checks while typing."""
from __future__ import annotations

from office.keying import checks
from office.keying.completion import complete, province_of


def test_places_complete_with_the_units_above_them_in_either_era():
    got = complete("place_of_birth", "Xã nghia d", province="quangngai")
    assert got[0] == "Xã Nghĩa Điền, huyện Tư Nghĩa, tỉnh Quảng Ngãi"  # the book's province first
    after = complete("place_of_birth", "Bệnh viện Đa khoa tỉnh Quảng Ngãi, xa nghia d", province="quangngai")
    assert after[0] == "Bệnh viện Đa khoa tỉnh Quảng Ngãi, xã Nghĩa Điền, huyện Tư Nghĩa, tỉnh Quảng Ngãi"
    authority = complete("registration_authority", "Ủy ban nhân dân xã sơn ti", province="quangngai")
    assert "Ủy ban nhân dân xã Sơn Tinh, huyện Sơn Tây, tỉnh Quảng Ngãi" in authority
    assert "Ủy ban nhân dân xã Sơn Tịnh, tỉnh Quảng Ngãi" in authority  # the ward after July 2025
    assert province_of("Ủy ban nhân dân xã Sơn Tinh, huyện Sơn Tây, tỉnh Quảng Ngãi") == "quangngai"


def test_names_complete_word_by_word_in_the_case_typed():
    assert complete("full_name", "NG")[0] == "NGUYỄN"  # the commonest family name
    assert complete("full_name", "ng")[0] == "Nguyễn"
    assert complete("mother_name", "TRẦN THỊ TH", memory=["TRẦN THỊ THƠM"])[0] == "TRẦN THỊ THƠM"
    assert complete("personal_id", "0512") == [] and complete("registration_date", "12") == []
    assert complete("gender", "n") == ["Nam", "Nữ"] and complete("ethnicity", "ki")[0] == "Kinh"


def test_checks_clean_dates_in_figures_or_words_and_refuse_what_cannot_be():
    assert checks.clean("date_of_birth", "15031998") == ("1998-03-15", None)
    assert checks.clean("date_of_birth", "15/3/1998") == ("1998-03-15", None)
    words = "Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám"
    assert checks.clean("date_of_birth", words) == ("1998-03-15", None)
    assert checks.clean("date_of_birth", "31/02/1998")[1]
    assert checks.clean("gender", "nữ") == ("female", None) and checks.clean("gender", "x")[1]
    assert checks.clean("mother_birth_year", "197")[1]
    assert checks.same_value("full_name", "NGUYỄN VĂN AN", "Nguyễn  Văn An")
    assert not checks.same_value("place_of_birth", "Xã An", "xã An")
    warned = checks.warnings({"date_of_birth": "2021-05-01", "registration_date": "2021-04-01",
                              "personal_id": "051219844132", "place_of_birth": "Xã Không Có, tỉnh Không Có"})
    assert set(warned) == {"registration_date", "personal_id", "place_of_birth"}
