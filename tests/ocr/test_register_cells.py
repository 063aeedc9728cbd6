"""Reading register cells: each clean-up rule with a case that fails without it."""
from __future__ import annotations

import pytest

from domain.records import RecordType
from ocr.correct.split import split_merged, split_text
from ocr.register_table import HEADINGS, _heading_field, _tidy


@pytest.mark.parametrize("word, parts", [
    ("Tâmhằng", ["Tâm", "hằng"]),
    ("LÊCẨMNHUNG", ["LÊ", "CẨM", "NHUNG"]),
    ("Nămsinh", ["Năm", "sinh"]),
    ("Nguyễntânđịnh", ["Nguyễn", "tân", "định"]),
    ("BệnhviệnĐakhoa", ["Bệnh", "viện", "Đa", "khoa"]),
    ("TrạmYtế", ["Trạm", "Y", "tế"]),
])
def test_words_run_together_are_cut_into_their_syllables(word, parts):
    assert split_merged(word) == parts


@pytest.mark.parametrize("word", ["Nguyễn", "nghiêng", "Quỳnh", "Khmer", "GCN", "Nguyễênphương", "Danh"])
def test_syllables_and_strings_that_are_not_exact_syllable_runs_stay(word):
    assert split_merged(word) is None


def test_split_text_keeps_punctuation_and_digits():
    assert split_text("Phan Minhlinh, Nămsinh: 1990") == "Phan Minh linh, Năm sinh: 1990"


@pytest.mark.parametrize("field, read, clean", [
    ("gender", "|ÏNữ", "Nữ"),  # a rule's end glued to the word
    ("gender", "CÍÍNam `", "Nam"),
    ("gender", "Narn", "Nam"),  # its m read as rn
    ("ethnicity", "Kinh .", "Kinh"),  # specks at the cell's edge
    ("place_of_death", "Thôn8,xã Quỳnh Thọ,huyện Quỳnh Phụ, tỉnh Thái Bình",
     "Thôn 8, xã Quỳnh Thọ, huyện Quỳnh Phụ, tỉnh Thái Bình"),
    ("place_of_birth", "Xã Sơn Tĩnh, huyện Sơn Tây, tỉnh Quảng Ngãi", "Xã Sơn Tinh, huyện Sơn Tây, tỉnh Quảng Ngãi"),
    ("mother_name", "LÊCẨMNHUNG", "LÊ CẨM NHUNG"),
    ("personal_id", "089098709727", "089098709727"),
    ("nationality", "Campuchia", "Campuchia"),  # only names and places are cut into syllables
    ("personal_id", "Í034222575644", "034222575644"),  # a rule read as a marked I before a digit
    ("place_of_death", "ÌÏXóm 9, xã Thụy Chính", "Xóm 9, xã Thụy Chính"),
])
def test_cell_tidy(field, read, clean):
    assert _tidy(field, read) == clean


@pytest.mark.parametrize("heading, field", [
    ("Họ, chữ đệm, tên", "full_name"),
    ("Ho chu dem ten", "full_name"),
    ("Số định danh cá nhân", "personal_id"),
    ("Số", "registration_number"),
    ("Ngày đăng kỷ", "registration_date"),
    ("Họ tên mẹ", "mother_name"),
])
def test_register_headings_match_fuzzily(heading, field):
    assert _heading_field(heading, HEADINGS[RecordType.BIRTH])[0] == field


def test_marriage_headings_tell_the_spouses_apart():
    h = HEADINGS[RecordType.MARRIAGE]
    assert _heading_field("Ngày sinh của chồng", h)[0] == "husband_date_of_birth"
    assert _heading_field("Ngày sinh của vợ", h)[0] == "wife_date_of_birth"
    assert _heading_field("Nơi sinh", h) is None


def test_a_number_out_of_sequence_is_flagged_and_only_its_lost_digits_put_back():
    from domain.records import ExtractedRecord
    from ocr.register_table import _check_sequence

    records = [ExtractedRecord(type=RecordType.BIRTH, fields={"registration_number": n},
                               confidence={"registration_number": 0.9}) for n in ("212", "218", "214", "215")]
    _check_sequence(records)
    assert [r.fields["registration_number"] for r in records] == ["212", "218", "214", "215"]
    assert [r.confidence["registration_number"] for r in records] == [0.9, 0.27, 0.9, 0.9]
    # the nearest numbers read either side, past one not read
    records = [ExtractedRecord(type=RecordType.BIRTH, fields={"registration_number": n} if n else {},
                               confidence={"registration_number": 0.9} if n else {})
               for n in ("383", "284", "", "386", "387")]
    _check_sequence(records)
    assert [r.confidence.get("registration_number") for r in records] == [0.9, 0.27, None, 0.9, 0.9]
    from ocr.register_table import out_of_sequence

    assert out_of_sequence(["1", "²", "9" * 5000, "4"]) == []  # typed oddities are numbers not read, not a crash
    # a number that is the one its neighbours say with digits lost gets them back, still doubted; a digit changed
    # ("184" for 194) or one more ("1532") is never mended
    records = [ExtractedRecord(type=RecordType.BIRTH, fields={"registration_number": n},
                               confidence={"registration_number": 0.9})
               for n in ("210", "21", "212", "184", "214", "1532", "216")]
    _check_sequence(records)
    assert [r.fields["registration_number"] for r in records] == ["210", "211", "212", "184", "214", "1532", "216"]
    assert [r.confidence["registration_number"] for r in records] == [0.9, 0.27, 0.9, 0.27, 0.9, 0.27, 0.9]


def test_a_cell_s_lines_go_by_their_middles():
    from ocr.register_table import cell_words
    from ocr.words import Word

    # As read on a moderate register: "Rơ" and "Thôn" boxes made taller by marks above them start 17 pixels above
    # "xã", on a line whose boxes are 28–32 tall; by their tops the line split in two ("… huyện 4, xã Tu").
    row = [("Thôn", 1297, 1699, 83, 45), ("Đăk", 1480, 1712, 65, 29), ("Rơ", 1558, 1695, 46, 46),
           ("Ông,", 1614, 1705, 76, 45), ("huyện", 1703, 1712, 96, 38), ("4,", 1391, 1714, 28, 32),
           ("xã", 1432, 1713, 35, 28), ("Tu", 1809, 1713, 42, 28), ("Mơ", 1299, 1766, 55, 27),
           ("Rông,", 1365, 1764, 93, 38), ("tỉnh", 1471, 1764, 60, 29), ("Kon", 1544, 1766, 65, 27),
           ("Tum", 1621, 1766, 73, 27)]
    words = [Word(t, 0.9, x, y, w, h, 1, 0) for t, x, y, w, h in row]
    assert " ".join(w.text for w in cell_words(words, 1280, 1900, 1686, 1818)) == \
        "Thôn 4, xã Đăk Rơ Ông, huyện Tu Mơ Rông, tỉnh Kon Tum"


def test_a_word_hanging_below_its_line_stays_on_it():
    from ocr.register_table import cell_words
    from ocr.words import Word

    # "Rơ" taller above, "Quang," (a descender and a comma) taller below: 24 pixels apart in their middles on a
    # line of boxes 28–38 tall; a speck between it and the next line, 17 and 16 pixels from each.
    row = [("Thôn", 1298, 1184, 78, 29), ("12,", 1388, 1186, 40, 32), ("xã", 1440, 1185, 35, 28),
           ("Rơ", 1490, 1165, 48, 44), ("huyện", 1550, 1184, 96, 38), ("Bắc", 1660, 1184, 60, 29),
           ("Quang,", 1730, 1188, 100, 46), ("tỉnh", 1840, 1185, 60, 29), ("ˆ", 1850, 1223, 10, 10),
           ("Hà", 1298, 1230, 45, 28), ("Giang", 1355, 1230, 90, 37)]
    words = [Word(t, 0.9, x, y, w, h, 1, 0) for t, x, y, w, h in row]
    assert " ".join(w.text for w in cell_words(words, 1280, 1910, 1158, 1290)) == \
        "Thôn 12, xã Rơ huyện Bắc Quang, tỉnh Hà Giang ˆ"


def test_a_number_cell_reads_a_letter_like_a_digit_beside_one_as_that_digit():
    from ocr.register_table import _number

    assert [_number(t) for t in ("I6 -", "2O", "lO5", "18,", "|", "Số 7")] == ["16", "20", "105", "18", "", "7"]


@pytest.mark.parametrize("read, clean", [
    ("ŸTRẦN ĐANTÂM", "TRẦN ĐAN TÂM"), ("|ÏTRẦN CÔNG SƠN -", "TRẦN CÔNG SƠN"),
    ("Ì Hoàng Thị Sương", "Hoàng Thị Sương"),  # a marked I alone before the first word
    ("ÌïĐINH THỊ THƯ", "ĐINH THỊ THƯ"),  # a marked I before another I
    ("ÍTrần Thái Hòa", "Trần Thái Hòa"), ("ÍTRẦN THÁI HÒA", "TRẦN THÁI HÒA"),  # glued to the first word
    ("ÍT LAN", "ÍT LAN"), ("Ỉ", "Ỉ"), ("Ích", "Ích"),  # words that begin so stay
])
def test_foreign_letters_a_rule_left_before_a_word_go(read, clean):
    assert _tidy("full_name", read) == clean


def test_a_blurred_heading_counts_once_the_page_is_a_register():
    h = HEADINGS[RecordType.BIRTH]
    assert _heading_field("Giới ah", h) is None  # not enough to make a page a register
    assert _heading_field("Giới ah", h, 0.45)[0] == "gender"
    assert _heading_field("lÍ Sấ định danh cá", h, 0.45)[0] == "personal_id"  # its second line lost


def test_split_text_finds_run_together_words_inside_punctuation_and_beside_digits():
    assert split_text("Thôn2,xãHộ Hải huyệnNinh Hải") == "Thôn2,xã Hộ Hải huyện Ninh Hải"


def test_the_page_number_is_found_behind_a_speck_read_as_a_quote():
    from ocr.register_table import _header_fields
    from ocr.words import Word

    # As read above a shaded death register's table: a speck before "Trang" came back as an opening quote.
    line = [("Quyển", 120, 380), ("số:", 260, 380), ("01/2007", 340, 380), ("“Trang", 3100, 300), ("số:", 3260, 300),
            ("1", 3340, 300)]
    words = [Word(t, 0.9, x, y, 20 * len(t), 40, 1, 0) for t, x, y in line]
    fields, _ = _header_fields(words, 450)
    assert fields == {"book_number": "01/2007", "page_number": "1"}


def test_a_column_numbered_one_a_row_is_the_entries_numbers_whatever_its_heading_read():
    from ocr.register_table import _counts_up
    from ocr.words import Word

    bands = [(100 * k, 100 * k + 100) for k in range(1, 7)]
    def column(texts):
        return [Word(t, 0.9, 20, top + 30, 40, 30, 1, 0) for t, (top, _) in zip(texts, bands, strict=True) if t]

    # As on a poor death register whose heading "Số" was read "Sã": its cells still count up.
    assert _counts_up(column(["158", "159", "", "161", "I62", "163"]), 0, 100, bands)
    assert not _counts_up(column(["13/01", "14/01", "13/01", "15/01", "16/01", "17/01"]), 0, 100, bands)  # dates
    assert not _counts_up(column(["3", "17", "5", "40", "2", "9"]), 0, 100, bands)  # numbers, not a count
    assert not _counts_up(column(["158", "159", "", "", "", ""]), 0, 100, bands)  # too few read
    assert _counts_up(column(["186", "187", "188. -1B8", "189", "184", "i91"]), 0, 100, bands)  # some misread


@pytest.mark.parametrize("field, read, value", [
    ("personal_id", "Ò4Ỗ136128085", "040136128085"),  # zeros marked by specks
    ("personal_id", "Ò4Ỗ13612808", "Ò4Ỗ13612808"),  # no ID's length: as read, for the ID check to doubt
    ("date_of_birth", "0Ì/12/1938", "1938-12-01"),
    # specks read as quote-like marks in a worded value: alone, at its end, glued between two words
    ("cause_of_death", "Tai nạn giao ° thông", "Tai nạn giao thông"),
    ("cause_of_death", "Bệnh già „", "Bệnh già"),
    ("cause_of_death", "Suy°thận mạn", "Suy thận mạn"),
])
def test_a_value_s_specks_go_and_digits_read_as_letters_come_back(field, read, value):
    from ocr.anchors import Raw
    from ocr.extract import clean_value

    got, check = clean_value(field, Raw(_tidy(field, read), 0.9, 0, 0))
    assert got == value
    # a speck's mark on the letter may be what is left of another digit ("194ổ" was 1948): less sure
    assert check == (0.7 if field in ("personal_id", "date_of_birth") and got != read else 1.0)


def test_a_registration_date_read_as_no_date_takes_the_one_its_neighbours_allow():
    from domain.records import ExtractedRecord
    from ocr.register_table import _dates_in_order

    def entries(*dates):
        return [ExtractedRecord(type=RecordType.DEATH, fields={"registration_date": d},
                                confidence={"registration_date": 0.8}) for d in dates]

    records = entries("2024-01-04", "94/01/2024", "2024-01-05")  # 0 read as 9: only 04/01 lies between
    _dates_in_order(records)
    assert records[1].fields["registration_date"] == "2024-01-04"
    assert records[1].confidence["registration_date"] == 0.4  # the order chose the digit: a person confirms it
    records = entries("2024-01-04", "94/01/2024", "2024-01-14")  # 04/01 and 14/01 both lie between: as read
    _dates_in_order(records)
    assert records[1].fields["registration_date"] == "94/01/2024"
    records = entries("94/01/2024", "2024-01-05")  # one neighbour only: as read
    _dates_in_order(records)
    assert records[0].fields["registration_date"] == "94/01/2024"
