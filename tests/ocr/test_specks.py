"""Toner specks off the binarised variant (ocr.specks), on a page the test draws: the specks go, every mark of
the text — accents, dots below, full stops, commas, dashes — stays."""
import cv2
import numpy as np
import pytest
from ocr_render import SERIF
from PIL import Image, ImageDraw, ImageFont

from ocr import preprocess, specks
from ocr.words import Word

LINES = ["Quyết định này có hiệu lực kể từ ngày ký.", "- Như trên; - Lưu: VT, VP.",
         "Ủy ban nhân dân tỉnh Quảng Ninh, ngày 15 tháng 8 năm 2026.", "2026 - 2030, chuẩn bị cho đánh giá; Đ/c."]
SPECKS = [(60, 20), (700, 22), (900, 95), (320, 160), (1150, 160), (500, 232), (80, 300), (1000, 300)]


def _page(with_specks: bool) -> np.ndarray:
    """Text about 22 px tall on a grey page (a 200 dpi photocopy's size); specks of toner 6-7 px across in the
    margins and between the lines, where the 3-px median of ``cleaned`` leaves them."""
    img = Image.new("L", (1400, 330), 200)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(SERIF, 30)
    for i, line in enumerate(LINES):
        draw.text((40, 40 + 70 * i), line, font=font, fill=40)
    grey = np.asarray(img).copy()
    if with_specks:
        for x, y in SPECKS:
            cv2.circle(grey, (x, y), 3, 40, -1)
    return grey


def _components(binary: np.ndarray) -> int:
    return cv2.connectedComponents(cv2.bitwise_not(binary), connectivity=8)[0] - 1


def test_specks_go_and_the_text_keeps_every_mark():
    clean, specked = preprocess.cleaned(_page(False)), preprocess.cleaned(_page(True))
    for x, y in SPECKS:
        assert specked[y - 4:y + 5, x - 4:x + 5].min() == 255, (x, y)  # paper where each speck was
    assert _components(specked) == _components(clean)
    # Nothing of the text is taken: the accents, dots below, stops and commas are all near their letters.
    assert np.array_equal(specks.despeckle(clean), clean)
    # Each speck survives the binarisation itself: without the rule they would all be there.
    before = cv2.threshold(cv2.medianBlur(_page(True), 3), 120, 255, cv2.THRESH_BINARY)[1]
    assert all(before[y, x] == 0 for x, y in SPECKS)


def test_a_lone_dash_is_not_a_speck():
    binary = np.full((200, 600), 255, np.uint8)
    cv2.putText(binary, "Ban hanh", (20, 60), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    binary[150:152, 300:306] = 0  # a dash (6 × 2 px), far from any letter
    binary[150:155, 400:405] = 0  # a speck (5 × 5 px)
    out = specks.despeckle(binary)
    assert out[150:152, 300:306].max() == 0
    assert out[150:155, 400:405].min() == 255


def test_text_height_ignores_however_many_specks():
    letters = np.full(300, 20)
    assert specks.text_height(np.concatenate([letters, np.full(2000, 3)])) == 20
    assert specks.text_height(np.array([], dtype=int)) == 0.0


def _words_drawn(words: list[str], speck_after: int | None) -> tuple[np.ndarray, list[Word]]:
    """``words`` set on one line as a 200-dpi page prints them (letters ≈ 22 px), each with its box as Tesseract
    gives it; a speck of toner 3 px across right after word ``speck_after``, inside that word's box."""
    img = Image.new("L", (900, 80), 200)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(SERIF, 30)
    x, out = 20, []
    for i, text in enumerate(words):
        left, top, right, bottom = draw.textbbox((x, 20), text, font=font)
        draw.text((x, 20), text, font=font, fill=40)
        if i == speck_after:
            draw.rectangle((right + 3, bottom - 12, right + 5, bottom - 10), fill=40)
            right += 6
        out.append(Word(text=text + (":" if i == speck_after else ""), conf=0.9, left=left, top=top,
                        width=right - left, height=bottom - top, block=1, line=1))
        x = right + 12
    return np.asarray(img), out


def test_a_colon_read_from_a_speck_goes_and_a_printed_one_stays():
    grey, words = _words_drawn(["liên", "quan", "thủ", "tục", "hành", "chính"], speck_after=3)
    assert [w.text for w in specks.speck_colons(grey, words)] == ["liên", "quan", "thủ", "tục", "hành", "chính"]
    grey, words = _words_drawn(["Nơi", "nhận:", "Kính", "gửi:", "Số:"], speck_after=None)
    assert [w.text for w in specks.speck_colons(grey, words)] == ["Nơi", "nhận:", "Kính", "gửi:", "Số:"]


def _read_as(grey_words: tuple[np.ndarray, list[Word]], texts: list[str], rule=specks.ellipses) -> list[str]:
    """What ``rule`` makes of the drawn words when Tesseract read them as ``texts`` (their boxes kept)."""
    grey, words = grey_words
    for w, text in zip(words, texts, strict=True):
        w.text = text
    return [w.text for w in rule(grey, words)]


def test_an_ellipsis_read_as_a_stop_is_put_back_and_a_stop_read_as_one_too():
    drawn = ["chất...", "Văn", "khỏe...", "me.", "chúng.", "hết"]
    read = ["chất.", "Văn", "khỏe.", "me...", "chúng...", "hết"]
    assert _read_as(_words_drawn(drawn, speck_after=None), read) == drawn
    # A speck beside the stop, above the letters' foot, is no dot: what the read said stays.
    assert _read_as(_words_drawn(["Mau.", "hết"], speck_after=0), ["Mau...", "hết"]) == ["Mau...", "hết"]
    # Read right, or no stop at all: nothing to do.
    assert _read_as(_words_drawn(drawn, speck_after=None), drawn) == drawn
    assert _read_as(_words_drawn(["quan", "hết"], speck_after=None), ["quan", "hết"]) == ["quan", "hết"]


def test_two_specks_beside_a_stop_make_no_ellipsis():
    """A photocopy's specks in a row after a stop, on the line's foot but smaller than its dot, leave it a stop."""
    grey, words = _words_drawn(["sau.", "hết"], speck_after=None)
    grey = grey.copy()
    foot, end = words[0].top + words[0].height, words[0].left + words[0].width
    for x in (end + 3, end + 8):  # before the next word, 12 px on
        grey[foot - 3:foot - 1, x:x + 2] = 40  # 2 px across (more than a grain), the stop's dot 4
    assert _read_as((grey, words), ["sau.", "hết"]) == ["sau.", "hết"]
    assert _read_as((grey, words), ["sau...", "hết"]) == ["sau...", "hết"]


def _led(grey_words: tuple[np.ndarray, list[Word]], texts: list[str]) -> list[str]:
    return _read_as(grey_words, texts, rule=specks.unprinted)


def test_punctuation_read_before_a_word_goes_unless_it_is_printed_there():
    """A photocopy's speck before a line's first word is read as a dash or a quote ("-XÃ", '"QUYẾT'): the marks
    left of the first letter say whether one is printed — a dash is long, a double quote two marks up high."""
    drawn = ["XÃ", "QUYẾT", "-Sở", "“Về", "việc”", "pháp"]
    assert _led(_words_drawn(drawn, speck_after=None), ["-XÃ", '"QUYẾT', "-Sở", "“Về", "việc”", ",pháp"]) == drawn
    # A speck before the word, inside its box: a mark, but neither long nor two.
    grey, words = _words_drawn(["XÃ", "ĐÁ", "BẠC"], speck_after=None)
    grey = grey.copy()
    w = words[1]
    grey[w.top + 8:w.top + 11, w.left - 6:w.left - 3] = 40
    w.left, w.width = w.left - 7, w.width + 7
    assert _led((grey, words), ["XÃ", "-ĐÁ", "BẠC"]) == ["XÃ", "ĐÁ", "BẠC"]
    assert _led((grey, words), ["XÃ", "“ĐÁ", "BẠC"]) == ["XÃ", "ĐÁ", "BẠC"]


def test_a_word_of_punctuation_alone_goes_unless_it_is_printed():
    """A speck between two words read as a word of its own ("‹"), or a colon read from nothing, goes; a list's dash
    (a dash alone is left as read), a printed plus and a bracket stay."""
    grey, words = _words_drawn(["-", "Như", "+", "Điều", "(3)"], speck_after=None)
    grey = grey.copy()
    speck = Word(text="‹", conf=0.5, left=words[1].left + words[1].width + 3, top=words[1].top + 8, width=6, height=6,
                 block=1, line=1)
    grey[speck.top + 1:speck.top + 4, speck.left + 1:speck.left + 4] = 40
    blank = Word(text=":", conf=0.5, left=words[3].left + words[3].width + 2, top=words[3].top, width=8,
                 height=words[3].height, block=1, line=1)
    read = [*words[:2], speck, words[2], words[3], blank, words[4]]
    assert [w.text for w in specks.unprinted(grey, read)] == ["-", "Như", "+", "Điều", "(3)"]


def _strewn(grey: np.ndarray, count: int, seed: int = 3) -> np.ndarray:
    """``grey`` with ``count`` specks 5 px across strewn over it."""
    out = grey.copy()
    rng = np.random.default_rng(seed)
    for x, y in zip(rng.integers(0, out.shape[1], count), rng.integers(0, out.shape[0], count), strict=True):
        cv2.circle(out, (int(x), int(y)), 2, 40, -1)
    return out


def test_speckled_tells_a_speckled_copy_from_a_clean_page_at_any_size():
    from ocr.page import SPECKLED_ABOVE

    page = np.vstack([_page(False)] * 6)  # 24 lines of text
    clean, copy = specks.speckled(page), specks.speckled(_strewn(page, 600))
    assert clean < 1 < SPECKLED_ABOVE < copy
    # The same copy taken at 1.5 or twice the size (a photo flattened to 300 dpi) is as speckled: specks and text
    # are measured in text heights.
    for factor in (1.5, 2.0):
        larger = cv2.resize(_strewn(page, 600), None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
        assert specks.speckled(larger) == pytest.approx(copy, rel=0.1)
    # A blank page has none to count.
    assert specks.speckled(np.full((300, 300), 200, np.uint8)) == 0.0
