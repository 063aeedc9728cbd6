"""Lines of print the page's read left out, found in the ink and read again (ocr/unread.py), on a drawn
"Nơi nhận:" list read by Tesseract, with one line's words taken out of the read as psm 4 loses them beside a
signer's block."""
from __future__ import annotations

import time

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

import ocr.unread as unread
from ocr.components import components
from ocr.marks import SIGNATURE, Mark
from ocr.preprocess import Rules
from ocr.tesseract import run_tesseract
from ocr.unread import addable, read_unread, unread_boxes
from ocr.words import Word, lines_of, page_text
from samples.fonts import font

LINES = ["Nơi nhận:", "- Như trên;", "- Chủ tịch, các PCT UBND xã;", "- Thường trực Đảng ủy xã;",
         "- Lưu: VT, Văn phòng."]


@pytest.fixture(scope="module")
def listed() -> tuple[np.ndarray, list[Word]]:
    img = Image.new("L", (1000, 420), 255)
    draw = ImageDraw.Draw(img)
    for n, text in enumerate(LINES):
        draw.text((60, 40 + 64 * n), text, font=font("serif", 34), fill=15)
    page = np.array(img)
    words = run_tesseract(img, lang="vie", timeout_s=60, want_pdf=False, dpi=200, psm=4).words
    assert page_text(words).splitlines() == LINES  # drawn plainly, Tesseract reads it whole
    return page, words


def _without(words: list[Word], line: int) -> list[Word]:
    """``words`` with line ``line`` read as psm 4 reads a line run across into the next column: one garbage word."""
    lost = [w for w in words if w.line == line]
    kept = [w for w in words if w.line != line]
    left, top = min(w.left for w in lost), min(w.top for w in lost)
    right = max(w.left + w.width for w in lost)
    garbage = Word("_#oiEhi:dttDEND", 0.0, left, top, right - left, max(w.height for w in lost), 1, line)
    return sorted(kept + [garbage], key=lambda w: (w.line, w.left))


def test_a_line_the_read_left_out_is_read_again_on_its_place(listed):
    page, words = listed
    out = read_unread(page, _without(words, 3), [], "vie", time.monotonic() + 60, 200)
    assert [" ".join(w.text for w in ln) for ln in lines_of(out)] == LINES


def test_a_bold_line_whose_letters_ran_together_is_read_again(listed):
    """A dark copy's toner runs a bold line's letters together: the signer's name "Lê Thế Chính" was three pieces
    of ink, fewer than a line's four letters, and was lost. A piece counts as the letters its width holds."""
    page, words = listed
    name = Image.new("L", (page.shape[1], 80), 255)
    ImageDraw.Draw(name).text((400, 10), "Lê Thế Chính", font=font("serif-bold", 34), fill=15)
    name = cv2.erode(np.array(name), np.ones((4, 4), np.uint8))
    assert components((name < 128).astype(np.uint8))[0] == 1 + 3
    out = read_unread(np.vstack([page, name]), words, [], "vie", time.monotonic() + 60, 200)
    assert page_text(out).splitlines() == LINES + ["Lê Thế Chính"]


def test_a_page_read_whole_is_not_read_again(listed, monkeypatch):
    page, words = listed

    def no_read(*args, **kwargs):
        raise AssertionError("read again")

    monkeypatch.setattr(unread, "run_tesseract", no_read)
    assert unread_boxes(page, words, []) == ([], [], [])
    assert read_unread(page, words, [], "vie", time.monotonic() + 60, 200) == words


def test_ink_inside_a_mark_is_not_read_as_text(listed):
    page, words = listed
    missing = _without(words, 3)
    assert unread_boxes(page, missing, [])[0]  # the lost line is found …
    lost = [w for w in words if w.line == 3]
    box = Mark(SIGNATURE, min(w.left for w in lost) - 5, min(w.top for w in lost) - 5, 900, 60, 1.0)
    assert unread_boxes(page, missing, [box]) == ([], [], [])  # … but not inside a signature's box


def test_specks_in_a_row_are_no_line(listed):
    page, words = listed
    specked = page.copy()
    for x in range(600, 950, 12):  # toner specks along the right of the list, close as letters, far too small
        specked[300:305, x:x + 5] = 20
    assert unread_boxes(specked, words, []) == ([], [], [])


def test_a_word_the_crop_would_cut_is_taken_whole(listed):
    page, words = listed
    line = [w for w in words if w.line == 2]  # "- Chủ tịch, các PCT UBND xã;": its last two words lost
    missing = [w for w in words if not (w.line == 2 and w.text in ("UBND", "xã;"))]
    ((x0, _, x1, _),), _, _ = unread_boxes(page, missing, [])
    pct = next(w for w in line if w.text == "PCT")
    assert x0 <= pct.left and x1 >= max(w.left + w.width for w in line)
    out = read_unread(page, missing, [], "vie", time.monotonic() + 60, 200)
    assert page_text(out).splitlines() == LINES


def test_no_time_left_no_second_read(listed):
    page, words = listed
    missing = _without(words, 3)
    assert read_unread(page, missing, [], "vie", time.monotonic() + 0.5, 200) == missing


def _w(text: str, conf: float, left: int, width: int, line: int = 0) -> Word:
    return Word(text, conf, left, 100, width, 30, 1, line)


def test_a_dash_joins_only_where_it_opens_a_line():
    assert [w.text for w in addable([_w("-", 0.93, 60, 10), _w("Như", 0.96, 80, 50), _w("trên;", 0.97, 140, 60)],
                                    30)] == ["-", "Như", "trên;"]
    assert [w.text for w in addable([_w("ngày", 0.95, 60, 60), _w("-", 0.9, 140, 10), _w("tháng", 0.95, 170, 70)],
                                    30)] == ["ngày", "tháng"]  # a blank's remains
    # A letter alone (a word the crop cut) and a misread with a symbol no print has do not join.
    assert addable([_w("t", 0.9, 60, 12), _w("Đăn§", 0.8, 80, 60)], 30) == []
    # A digit after a word is a number ("Thôn 8,"); alone, or first, it may be a piece of a cut word.
    assert [w.text for w in addable([_w("Thôn", 0.95, 60, 80), _w("8,", 0.9, 150, 25), _w("xã", 0.95, 190, 37)],
                                    30)] == ["Thôn", "8,", "xã"]
    assert addable([_w("8,", 0.9, 60, 25), _w("1", 0.9, 100, 12)], 30) == []


def test_a_page_read_poorly_all_over_is_read_again_up_to_a_quarter_of_it(monkeypatch):
    # Forty lines of print and a read that found only ten words on the first line: nearly the whole page is unread.
    img = Image.new("L", (1000, 1400), 255)
    draw = ImageDraw.Draw(img)
    for n in range(40):
        draw.text((40, 20 + 34 * n), "Ủy ban nhân dân xã Thụy Chính huyện Thái Thụy", font=font("serif", 24), fill=15)
    page = np.array(img)
    words = [Word(f"w{n}", 0.95, 40 + 60 * n, 20, 50, 26, 1, 0) for n in range(10)]
    boxes, _, _ = unread_boxes(page, words, [])
    area = sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in boxes)
    assert 10 <= len(boxes) < 30 and area <= 0.25 * page.size  # without the bound: 39 lines, most of the page


ENTRIES = [("369", "PHẠM THỊ THẮM", "Nữ"), ("370", "NÔNG VĂN HẢI", "Nam"), ("371", "NGUYỄN THỊ BÌNH", "Nữ"),
           ("372", "PHAN HẠNH NHƠN", "Nữ")]
WORDS = sorted(w for entry in ENTRIES for value in entry for w in value.split())


@pytest.fixture(scope="module")
def ruled() -> tuple[np.ndarray, list[Word], Rules]:
    """A register's rows as the page is read: its rules erased (where they were is ``Rules``), each cell's value
    drawn inside them."""
    columns, rows = [20, 200, 700, 900], [20 + 90 * n for n in range(len(ENTRIES) + 1)]
    img = Image.new("L", (920, rows[-1] + 20), 255)
    draw = ImageDraw.Draw(img)
    for top, values in zip(rows, ENTRIES, strict=False):
        for left, value in zip(columns, values, strict=False):
            draw.text((left + 25, top + 25), value, font=font("serif", 34), fill=15)
    words = run_tesseract(img, lang="vie", timeout_s=60, want_pdf=False, dpi=200, psm=4).words
    assert sorted(w.text for w in words) == WORDS  # drawn plainly, Tesseract reads it whole
    return np.array(img), words, Rules(rows=rows, columns=columns, span=(rows[0], rows[-1]))


def test_a_short_value_in_a_table_s_cell_is_read_again(ruled):
    # The numbers and genders lost (on a shaded register page the dark side's short cells came back empty).
    page, words, rules = ruled
    names = [w for w in words if w.left > 200 and w.left < 700]
    assert unread_boxes(page, names, []) == ([], [], [])  # on open paper, pieces so short may be specks …
    lines, boxes, _ = unread_boxes(page, names, [], rules)  # … inside a cell, they are its value
    assert lines == []
    assert len(boxes) == 2 * len(ENTRIES)
    assert all(any(a <= x0 and x1 <= b for a, b in zip(rules.columns, rules.columns[1:], strict=False))
               for x0, _, x1, _ in boxes)  # each read within its cell
    out = read_unread(page, names, [], "vie", time.monotonic() + 60, 200, rules)
    assert sorted(w.text for w in out) == WORDS


def test_the_number_a_label_asks_for_is_read_again_as_digits():
    # A register's header: "Trang số: 1" with its thin "1" lost; read again whole it reads "I.", alone as digits "1".
    img = Image.new("L", (1400, 200), 255)
    draw = ImageDraw.Draw(img)
    draw.text((60, 40), "Quyển số: 01/2024", font=font("serif", 34), fill=15)
    draw.text((900, 40), "Trang số: 1", font=font("serif", 34), fill=15)
    draw.text((60, 120), "Ủy ban nhân dân xã Vĩnh Ninh, huyện Quảng Ninh", font=font("serif", 34), fill=15)
    page = np.array(img)
    words = run_tesseract(img, lang="vie", timeout_s=60, want_pdf=False, dpi=200, psm=4).words
    assert "1" in [w.text for w in words]  # drawn plainly, Tesseract reads it
    lost = [w for w in words if w.text != "1"]
    lines, values, numbers = unread_boxes(page, lost, [])
    assert (lines, values, len(numbers)) == ([], [], 1)  # one piece: not a line, but the label asks for it
    assert numbers[0][0] > max(w.left + w.width for w in lost if w.top < 100 and w.left > 800)  # past the label
    out = read_unread(page, lost, [], "vie", time.monotonic() + 60, 200)
    assert page_text(out).splitlines()[0].endswith("Trang số: 1")
