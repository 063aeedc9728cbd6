"""Vietnamese normalisation: NFC, đ folding, both tone placements."""
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.text import fold, normalize, title_case_name, tone_key

VIET = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵĐ "


@pytest.mark.parametrize(
    ("a", "b"),
    [("hoà", "hòa"), ("thuỷ", "thủy"), ("Khoẻ", "khỏe"), ("uỳ", "ùy"), ("Thoả", "thỏa"), ("HOÀ", "hòa")],
)
def test_both_tone_placements_have_one_key(a, b):
    assert tone_key(a) == tone_key(b)


@pytest.mark.parametrize(("a", "b"), [("hoà", "hoa"), ("Đức", "Dức"), ("mã", "má"), ("ươ", "uo")])
def test_tone_key_keeps_what_distinguishes_words(a, b):
    assert tone_key(a) != tone_key(b)


def test_fold_maps_d_with_stroke_and_lookalike():
    assert fold("Đặng ĐỨC đạt") == "dang duc dat"
    assert fold("\u00d0à Nẵng") == "da nang"  # Ð (U+00D0), the look-alike OCR emits


def test_normalize_repairs_lookalike_and_nfd():
    nfd = unicodedata.normalize("NFD", "Nguyễn  Văn\tÐông")
    assert normalize(nfd) == "Nguyễn Văn Đông"
    assert unicodedata.is_normalized("NFC", normalize(nfd))


# NFD and NFC letters, the look-alike Đs OCR emits, and whitespace of every kind (tab, line break, no-break and em
# spaces) around words.
MESSY = VIET + "\u0300\u0301\u0303\u0309\u0323\u00d0\u00f0\u0189\t\n\u00a0\u2003"


@given(st.text(alphabet=MESSY, max_size=40))
def test_normalize_is_nfc_lookalikes_repaired_whitespace_collapsed(text):
    import re

    expected = unicodedata.normalize("NFC", text).translate(str.maketrans("\u00d0\u00f0\u0189", "ĐđĐ"))
    assert normalize(text) == re.sub(r"\s+", " ", expected).strip()


@given(st.text(alphabet=MESSY + "ABCXYZ0129,.-'\u0302\u0306\u031b\u20ac\u0327", max_size=40) | st.text(max_size=20))
def test_fold_is_its_definition(text):
    """Lowercase NFC, đ and its look-alikes to d, every combining mark of the decomposed text gone, NFC again —
    whatever the text (marks of other scripts, symbols, ASCII alone)."""
    lowered = unicodedata.normalize("NFC", text).lower().translate(str.maketrans("đĐ\u00d0\u00f0\u0189", "ddddd"))
    bare = "".join(ch for ch in unicodedata.normalize("NFD", lowered) if not unicodedata.combining(ch))
    assert fold(text) == unicodedata.normalize("NFC", bare)


def test_title_case_name():
    assert title_case_name("NGUYỄN VĂN AN") == "Nguyễn Văn An"
    assert title_case_name("đặng thị hoà") == "Đặng Thị Hoà"


@given(st.text(alphabet=VIET, max_size=40))
def test_fold_is_ascii_letters_only_and_idempotent(text):
    folded = fold(text)
    assert folded == fold(folded)
    assert all(ch.isascii() for ch in folded)


@given(st.text(alphabet=VIET, max_size=40))
def test_nfd_and_nfc_inputs_analyse_the_same(text):
    nfd = unicodedata.normalize("NFD", text)
    assert tone_key(nfd) == tone_key(text)
    assert fold(nfd) == fold(text)
    assert normalize(normalize(text)) == normalize(text)


def test_folding_any_text_keeps_a_bounded_table():
    # A query or a page of ten thousand distinct letters of other scripts is folded, and the table of marks
    # fold() fills as it meets characters does not grow with it.
    from domain.text import _NO_MARKS

    text = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 10_000))
    assert fold(text) == text
    assert len(_NO_MARKS) <= 4096
