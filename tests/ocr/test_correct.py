"""Post-correction rules, each with a case that fails without it (ocr/correct/__init__.py)."""
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.text import normalize
from ocr.correct import correct_text, correct_tokens, correct_words
from ocr.correct.build import count
from ocr.correct.model import MODEL
from ocr.correct.syllables import NUMBER, is_syllable
from ocr.words import Word


# Rule 1: look-alike letters.
def test_eth_becomes_d_with_stroke():
    assert correct_tokens(["Ðỗ", "Thị", "Mai"])[0] == ["Đỗ", "Thị", "Mai"]


# Rule 2: diacritics chosen by the syllable model in context.
@pytest.mark.parametrize("read, fixed", [
    ("PHÓ HUẾ, HÀ NỌI", "PHỐ HUẾ, HÀ NỘI"),  # hook/acute on uppercase; dropped dot below
    ("KT. CHỦ TỊCH PHO CHỦ TỊCH", "KT. CHỦ TỊCH PHÓ CHỦ TỊCH"),  # dropped acute, kept as the title word
    ("huyện Thăng Bình, tinh Quảng Nam", "huyện Thăng Bình, tỉnh Quảng Nam"),  # dropped hook
    ("ghi băng chữ", "ghi bằng chữ"),
    ("XÃ BÌNH MINH, HUYEN THĂNG BÌNH", "XÃ BÌNH MINH, HUYỆN THĂNG BÌNH"),  # every uppercase mark dropped
    ("CỘNG HÒA XA HỘI CHỦ NGHĨA", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA"),
    ("Độc lập - Tư do - Hạnh phúc", "Độc lập - Tự do - Hạnh phúc"),  # a horn dropped
    # the reporting regime's wording (admin.FORMULAE): "hãng" (a firm) alone is likelier, and stays where it is one
    ("định kỳ hãng quý báo cáo kết quả", "định kỳ hằng quý báo cáo kết quả"),
    ("các hãng sản xuất", "các hãng sản xuất"),
])
def test_diacritics_restored(read, fixed):
    assert correct_text(read) == fixed


def test_case_is_kept():
    assert correct_tokens(["Tinh", "Quảng", "Nam"])[0][0] == "Tỉnh"


# Rule 3: what is never touched.
@pytest.mark.parametrize("text", [
    "Số phát hành: BE 595000",  # serial letters beside a number ("BÉ" would be a word)
    "Số vào sổ cấp GCN: CH14374",
    "Số: 01/TLKS-BS",
    "Số định danh cá nhân: 014300515225",
])
def test_ids_untouched(text):
    assert correct_text(text) == text


# Numbers are never corrected but are their neighbours' context, as the model counts them (one token "#"): a
# date's "tháng" read "thắng" is told by the day and month around it, where alone it is a word too.
@pytest.mark.parametrize("read, fixed", [
    ("Hà Nội, ngày 16 thắng 6 năm 2025", "Hà Nội, ngày 16 tháng 6 năm 2025"),
    ("sinh ngày 12 thắng 3 nắm 1998", "sinh ngày 12 tháng 3 năm 1998"),
    # a document's number, its code after the digits: "số" before it, where "định sổ" alone leaves the model unsure
    ("Căn cứ Nghị định sổ 30/2020/NĐ-CP ngày 05", "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05"),
    ("Quyết định sổ 123/QĐ-UBND", "Quyết định số 123/QĐ-UBND"),
])
def test_numbers_are_context(read, fixed):
    assert correct_text(read) == fixed


@pytest.mark.parametrize("text", ["Luật số 80/2015/QH13 và Công văn số 2345/UBND-VX", "mã 12/abc"])
def test_document_numbers_untouched(text):
    assert correct_text(text) == text


def test_numbers_counted_as_one_token():
    uni: Counter = Counter()
    bi: Counter = Counter()
    count(iter(["Ngày 2/9/1945, tại Hà Nội; năm 2026 ông"]), uni, bi)
    assert bi["ngày", NUMBER] == 1 and bi["năm", NUMBER] == bi[NUMBER, "ông"] == 1 and uni[NUMBER] == 2
    assert (NUMBER, "tại") not in bi  # a comma between them


def _wrapped(lines: list[str], doubtful: str) -> list[Word]:
    """Lines of one block, 60 px a word from the same left edge; ``doubtful`` read at 0.7, the rest at 0.9."""
    return [Word(t, 0.7 if t == doubtful else 0.9, 100 + 60 * i, 100 + 30 * n, 50, 20, 1, n)
            for n, line in enumerate(lines) for i, t in enumerate(line.split())]


@pytest.mark.parametrize("lines, doubtful, fixed", [
    # The line before gives the context: "cơ | quần," → "cơ quan,".
    (["Thủ trưởng các phòng ban và các cơ", "quần, đơn vị và cá nhân"], "quần,", "quan,"),
    # The line after does: "tuyện | truyền" → "tuyên truyền".
    (["Ủy ban nhân dân xã tăng cường tuyện", "truyền, phổ biến pháp luật"], "tuyện", "tuyên"),
])
def test_a_wrapped_line_runs_on_into_the_next(lines, doubtful, fixed):
    words = _wrapped(lines, doubtful)
    correct_words(words)
    assert fixed in [w.text for w in words]


@pytest.mark.parametrize("lines", [
    ["Thủ trưởng các cơ", "quần, đơn vị và cá nhân có liên quan"],  # a short line ended its paragraph
    ["Thủ trưởng các phòng ban và các cơ;", "quần, đơn vị và cá nhân"],  # a semicolon parts them
])
def test_an_ended_line_is_no_context(lines):
    words = _wrapped(lines, "quần,")
    correct_words(words)
    assert "quần," in [w.text for w in words]


def test_a_stop_before_a_wrapped_line_s_lowercase_start_is_a_speck():
    # No sentence ends before a lowercase word: the photocopy's speck goes, and the line after is context again.
    words = _wrapped(["Thủ trưởng các phòng ban và các cơ.", "quần, đơn vị và cá nhân"], "quần,")
    correct_words(words)
    assert [w.text for w in words][7:9] == ["cơ", "quan,"]
    words = _wrapped(["Thủ trưởng các phòng ban và các cơ.", "Quần, đơn vị"], "")  # a new sentence: kept
    correct_words(words)
    assert "cơ." in [w.text for w in words]
    words = _wrapped(["Thủ trưởng các cơ.", "quần, đơn vị và cá nhân có liên quan"], "")  # an ended line: kept
    correct_words(words)
    assert "cơ." in [w.text for w in words]


def test_names_across_a_break_are_no_context():
    # "nưng thịnh" is a pair the corpus counts three times; "Nùng | Thịnh Đức", two people's names, would make it.
    words = _wrapped(["Các tướng lĩnh thuộc Man Động như: Nùng Quang Lãm, Nùng", "Thịnh Đức coi giữ vùng biên"], "")
    for w in words:
        w.conf = 0.93
    correct_words(words)
    assert [w.text for w in words].count("Nùng") == 2


def test_unsure_is_left_alone():
    for text in ("Số 5 phố Huế", "Cộng hòa xã hội chủ nghĩa Việt Nam", "tổ dân phố số 4", "Hoà Bình", "Hòa Bình"):
        assert correct_text(text) == text


@given(st.lists(st.from_regex(r"[A-Za-zĐđà-ỹ]{0,3}[0-9][0-9A-Za-z/.\-]{0,8}", fullmatch=True), min_size=1,
                max_size=6))
def test_tokens_with_digits_never_change(tokens):
    # Only rule 1 (look-alike Đ) may touch them, and it never touches a digit.
    assert correct_tokens(tokens)[0] == [normalize(t) for t in tokens]


def test_fully_stripped_uppercase_is_not_guessed():
    # Without any mark left and outside the fixed administrative phrases (tests/ocr/test_correct_capitals.py),
    # the model is not sure enough of "UY"/"TINH" alone: kept as read rather than guessed.
    assert correct_text("UY BAN") == "UY BAN"
    assert correct_text("TINH") == "TINH"


def test_words_corrected_in_place_lines_kept():
    words = [Word("PHÓ", 0.7, 0, 0, 10, 10, 0, 0), Word("HUẾ", 0.9, 12, 0, 10, 10, 0, 0),
             Word("tinh", 0.6, 0, 20, 10, 10, 0, 1), Word("Quảng", 0.9, 12, 20, 10, 10, 0, 1),
             Word("Nam", 0.9, 24, 20, 10, 10, 0, 1)]
    changes = correct_words(words)
    assert [w.text for w in words] == ["PHỐ", "HUẾ", "tỉnh", "Quảng", "Nam"]
    assert [(c.index, c.old, c.new) for c in changes] == [(0, "PHÓ", "PHỐ"), (2, "tinh", "tỉnh")]


def test_syllable_shape():
    assert is_syllable("nguyễn") and is_syllable("NGUYEN") and is_syllable("thuỷ")
    assert not is_syllable("hiềp")  # a syllable ending in p takes only sắc or nặng
    assert not is_syllable("GCN") and not is_syllable("ngàỷ")


def test_model_is_compact_and_sourced():
    assert MODEL.stat().st_size < 1_000_000
    sources = (MODEL.parent / "SOURCES.md").read_text(encoding="utf-8")
    for name in ("UD_Vietnamese-VTB", "Tatoeba", "Apache-2.0", "CC BY-SA 4.0", "vietnamadminunits", "test"):
        assert name in sources
    assert not any(p.suffix in (".conllu", ".bz2", ".jsonl") for p in Path(MODEL.parent).iterdir())


def _page(lines: list[str]) -> list[Word]:
    return [Word(t, 0.9, 60 * i, 30 * n, 50, 20, 0, n)
            for n, line in enumerate(lines) for i, t in enumerate(line.split())]


def test_a_page_reading_poorly_is_corrected_on_less_certainty():
    # "chị đạo" → "chỉ đạo" at posterior ≈ 0.92: under the 0.97 a clean page asks, over a photocopy's 0.90.
    line = "Ủy ban nhân dân chị đạo các xã"
    body = ["Căn cứ Luật Tổ chức chính quyền địa phương ngày tháng năm"] * 4
    clean = _page([line, *body])
    correct_words(clean)
    assert clean[4].text == "chị"
    noisy = _page([line, *body, "rghề ÿj righă tiir thún Nanr"])  # 6 of ≈ 60 words no syllable at all
    correct_words(noisy)
    assert noisy[4].text == "chỉ"


def test_a_word_corrected_is_its_neighbours_context():
    # "từa" is no syllable: a letter slip makes it "tra", and only then is "kiếm tra" sure to be "kiểm tra" (the
    # first decoding weighed "kiếm" beside a reading it did not know).
    tokens = "đăng ký đất đai kiếm từa hồ sơ".split()
    confs = [0.97] * len(tokens)
    confs[4], confs[5] = 0.93, 0.33
    out, changes = correct_tokens(tokens, confs, min_posterior=0.9)
    assert out[4:6] == ["kiểm", "tra"]
    assert [(c.index, c.old, c.new) for c in changes] == [(4, "kiếm", "kiểm"), (5, "từa", "tra")]
