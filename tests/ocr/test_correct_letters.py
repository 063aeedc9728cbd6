"""A letter misread, not only a mark (ocr/correct/letters.py): readings that are no known syllable weigh the
syllables one letter slip away; what is spelled as written elsewhere (foreign words, abbreviations, names of
ethnic minorities) stays, and the marks' own corrections keep their certainty."""
import pytest

from ocr.correct import correct_tokens, correct_words
from ocr.correct.letters import may_slip, one_slip
from ocr.correct.model import MIN_POSTERIOR, model
from ocr.words import Word


def _corrected(text: str, conf: float = 0.9) -> str:
    tokens = text.split()
    return " ".join(correct_tokens(tokens, [conf] * len(tokens))[0])


@pytest.mark.parametrize("read, fixed", [
    ("đào tạo rghề cho lao động", "đào tạo nghề cho lao động"),  # n read as r
    ("đến hết rigày 31 tháng 12", "đến hết ngày 31 tháng 12"),  # n read as "ri"
    ("đã nhậh được", "đã nhận được"),  # n read as h
    ("lưa trữ hồ sơ", "lưu trữ hồ sơ"),  # a known syllable's letters: "lưa" is none
    ("cấp GHỦ TỊCH", "cấp CHỦ TỊCH"),  # in capitals
    ("người dâr tộc", "người dân tộc"),
])
def test_a_misread_letter_is_corrected(read, fixed):
    assert _corrected(read) == fixed


@pytest.mark.parametrize("text", [
    "theo Carnot và Sadi",  # foreign names and words: no Vietnamese mark
    "xem clip trên mạng",  # (not "dịp": cl read for d)
    "giấy phép lái xe hạng B",
    "Lưu: VT, TP.",  # abbreviations
    "gửi UBND huyện",
    "người Kơtu ở Quảng Nam",  # an ethnic minority's name, capitalised and spelled like no syllable
    "bà H Êban và ông Mlô",
    "Họ và tên: KSOR MLÔ",  # names printed in capitals
    "NGƯỜI KƠTU",  # (not "KÓT")
])
def test_what_is_written_as_meant_stays(text):
    assert _corrected(text) == text


def test_a_known_syllable_keeps_its_letters():
    # "tim" (heart) and "kia" (that) are words: a slip to "tin" or "gia" is never weighed, whatever the context.
    assert _corrected("thông tim của Bộ, năm kia") == "thông tim của Bộ, năm kia"


def test_the_marks_corrections_keep_their_certainty():
    # "riêt" is no known syllable; "riết" is sure among the spellings with the same letters. Weighing its
    # one-slip neighbours too ("việt", "riêng", ...) would spread that certainty below the threshold, so they are
    # weighed only for readings the marks cannot settle.
    tokens = "theo dõi ráo riêt từ ba tháng".split()
    low = [t.lower() for t in tokens]
    everywhere = model().decode(low, [0.8] * len(low), [False] * len(low), slips=[True] * len(low))
    assert everywhere[3].posterior < MIN_POSTERIOR
    assert correct_tokens(tokens, [0.8] * len(tokens))[0][3] == "riết"


def _page(lines: list[str]) -> list[Word]:
    return [Word(t, 0.9, 60 * k, 40 * n, 50, 30, 0, n)
            for n, line in enumerate(lines) for k, t in enumerate(line.split())]


def test_no_letter_guesses_on_a_page_that_is_no_print():
    # A page whose words are mostly no syllable (handwriting read as text, a photo's texture) is not weighed
    # for slips: every word's few hundred spellings would cost seconds for nothing.
    line = "đào tạo rghề cho lao động"
    print_page = _page([line] * 2 + ["theo kế hoạch năm nay của tỉnh"] * 10)
    correct_words(print_page)
    assert [w.text for w in print_page][2] == "nghề"
    junk_page = _page([line] * 2 + ["ừớỳ ẫự ỡẹ ộẽ ĩợ ỵằ ặẩ"] * 10)
    correct_words(junk_page)
    assert [w.text for w in junk_page][2] == "rghề"


def test_which_readings_may_slip():
    assert may_slip("rghề") and may_slip("traäg") and may_slip("GHỦ") and may_slip("Róa")
    assert not may_slip("Carnot") and not may_slip("UBND") and not may_slip("Kơtu") and not may_slip("khii")
    assert not may_slip("MLÔ") and not may_slip("Êban")
    assert not may_slip("xãmườngxén")  # longer than a syllable and a slip: words run together, cut elsewhere


def test_one_slip_spellings():
    found = dict(one_slip("rghề", "rghe"))
    assert {"nghề", "ghề", "rnghề"} <= set(found)  # changed, dropped, added
    assert found["nghề"] == "nghe" and found["ghề"] == "ghe"  # each beside its letters without marks
    assert dict(one_slip("rigày", "rigay"))["ngày"] == "ngay"  # two letters read for one
    assert all(len(s) in (3, 4, 5) for s in found)
