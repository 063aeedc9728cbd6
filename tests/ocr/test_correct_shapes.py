"""Numbers and dates split by a space, and "Đ/c" (ocr/correct/shapes.py): each rule with a case that fails
without it; digits themselves are never changed."""
import pytest

from ocr.correct import correct_text, correct_words
from ocr.correct.shapes import join_numbers
from ocr.words import Word


@pytest.mark.parametrize("read, fixed", [
    ("ngày 1 0/4/2026", "ngày 10/4/2026"),  # a day 0 does not exist: one date
    ("ký ngày 10/4/20 26.", "ký ngày 10/4/2026."),  # a year of two digits, then two more
    ("Hà Nội, ngày 1 0 tháng 4 năm 2026", "Hà Nội, ngày 10 tháng 4 năm 2026"),
    ("tháng 1 1 năm 20 26", "tháng 11 năm 2026"),
    ("xuống còn 7 6% cuối năm", "xuống còn 7,6% cuối năm"),  # a percentage's decimal comma lost
    ("các loại, 63 7% là", "các loại, 63,7% là"),
    ("lên mức 4, 8% năm", "lên mức 4,8% năm"),  # … or read apart
])
def test_split_numbers_joined(read, fixed):
    assert correct_text(read) == fixed


@pytest.mark.parametrize("text", [
    "ngày 1 5/4/2026",  # "5/4/2026" is a date too: the space may be real
    "tháng 1 3 năm",  # no month 13
    "Số 1 2 và 3",  # no unit to say what the number is
    "ngày 4, 2026",
    "10/4/2026",
    "khoảng 5 10%",  # two decimals: perhaps a range whose dash was lost
    "chiếm 120 5%",  # no percentage of 120 point something
    "tăng 7,6% so với",
])
def test_numbers_kept_when_the_shape_allows_two(text):
    assert correct_text(text) == text


def test_digits_never_changed():
    for tokens in (["1", "0/4/2026"], ["ngày", "0", "5"], ["năm", "19", "96"], ["63", "7%"], ["7,", "6%"]):
        assert [ch for ch in "".join(join_numbers(tokens)) if ch.isdigit()] == [ch for ch in "".join(tokens)
                                                                               if ch.isdigit()]


def test_joined_words_merge_their_boxes():
    words = [Word("ngày", 0.9, 0, 0, 40, 10, 0, 0), Word("1", 0.8, 50, 0, 6, 10, 0, 0),
             Word("0/4/2026", 0.7, 60, 0, 50, 10, 0, 0), Word("Địc", 0.6, 0, 20, 20, 10, 0, 1),
             Word("Chủ", 0.9, 25, 20, 20, 10, 0, 1)]
    correct_words(words)
    assert [w.text for w in words] == ["ngày", "10/4/2026", "Đ/c", "Chủ"]
    assert (words[1].left, words[1].width, words[1].conf) == (50, 60, 0.7)
    percent = [Word("còn", 0.9, 0, 0, 40, 10, 0, 0), Word("63", 0.9, 50, 0, 20, 10, 0, 0),
               Word("7%", 0.8, 76, 0, 24, 10, 0, 0)]
    correct_words(percent)
    assert [w.text for w in percent] == ["còn", "63,7%"] and (percent[1].width, percent[1].conf) == (50, 0.8)


@pytest.mark.parametrize("read, fixed", [
    ("Địc Chủ tịch UBND xã;", "Đ/c Chủ tịch UBND xã;"),
    ("- Đ1c Nguyễn Văn An;", "- Đ/c Nguyễn Văn An;"),
    ("TM, ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),  # the signer's "on behalf of", its point read as a comma
    ("KT: CHỦ TỊCH", "KT. CHỦ TỊCH"),
    # … or run into the title: glued, its first word lost its context in the model ("TM.ỦY BAN" → "BẠN")
    ("TM.ỦY BAN NHÂN DÂN", "TM. ỦY BAN NHÂN DÂN"),
    ("KT.CHỦ TỊCH", "KT. CHỦ TỊCH"),
    ("TUQ.GIÁM ĐỐC", "TUQ. GIÁM ĐỐC"),
])
def test_slashed_abbreviation(read, fixed):
    assert correct_text(read) == fixed


@pytest.mark.parametrize("text", ["Đ/c Chủ tịch", "V/v tổ chức số hóa", "K/g Ủy ban", "Địc bản", "TM, Công ty",
                                  "TL.Chủ tịch", "V.I.P", "ĐT.VN", "TM.", "Q.1"])
def test_abbreviations_kept(text):
    assert correct_text(text) == text


@pytest.mark.parametrize("read, fixed", [
    ("Hà Nội, ngày 12 tháng 4 năm2026", "Hà Nội, ngày 12 tháng 4 năm 2026"),
    ("Thôn2, xã Tam Hiệp", "Thôn 2, xã Tam Hiệp"),
])
def test_word_run_into_a_number_cut(read, fixed):
    assert correct_text(read) == fixed


@pytest.mark.parametrize("text", ["CH14374", "BE595000", "GCN123", "xyzq12"])
def test_codes_run_into_numbers_kept(text):
    assert correct_text(text) == text


def test_cut_words_share_the_box():
    words = [Word("tháng", 0.9, 0, 0, 50, 10, 0, 0), Word("4", 0.9, 55, 0, 8, 10, 0, 0),
             Word("năm2026", 0.8, 70, 0, 70, 10, 0, 0)]
    correct_words(words)
    assert [(w.text, w.left, w.width) for w in words] == [("tháng", 0, 50), ("4", 55, 8), ("năm", 70, 30),
                                                         ("2026", 100, 40)]


@pytest.mark.parametrize("read, fixed", [
    ("Nơinhận: - Như trên;", "Nơi nhận: - Như trên;"),  # the trailing colon stays on the last part
    ("PHÓ Chủtịch UBND", "PHÓ Chủ tịch UBND"),
    ("LÊCẨMNHUNG sinh năm 1990", "LÊ CẨM NHUNG sinh năm 1990"),
])
def test_syllables_run_together_cut(read, fixed):
    assert correct_text(read) == fixed


@pytest.mark.parametrize("text", [
    "Campuchia và Canada",  # no Vietnamese mark: a foreign word made of syllable shapes
    "HĐNDxã",  # an abbreviation is no syllable: nothing to cut at
    "Pleiku",
])
def test_words_not_run_together_kept(text):
    assert correct_text(text) == text


def test_a_misread_syllable_is_not_cut_into_two():
    # "thưong" is "thư" + "ong" in letters, but one mark from "thương": a misreading, which the model mends
    assert correct_text("thưong mại") == "thương mại"


def test_syllables_cut_share_the_box_and_a_cut_part_is_kept():
    words = [Word("Nơinhận:", 0.7, 10, 0, 80, 10, 0, 0), Word("-", 0.9, 100, 0, 5, 10, 0, 0),
             Word("Như", 0.9, 110, 0, 30, 10, 0, 0), Word("ĐƯỜNGPHỐ.dân", 0.6, 145, 0, 120, 10, 0, 0)]
    correct_words(words)  # the speck's cut first ("ĐƯỜNGPHỐ" "dân"), then the syllables' ("ĐƯỜNG" "PHỐ")
    assert [(w.text, w.left, w.width) for w in words] == [("Nơi", 10, 30), ("nhận:", 40, 50), ("-", 100, 5),
                                                         ("Như", 110, 30), ("ĐƯỜNG", 145, 50), ("PHỐ", 195, 30),
                                                         ("dân", 235, 30)]
