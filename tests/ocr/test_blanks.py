"""Black-ink handwriting in a document's blanks (ocr/blanks.py, called by ocr.marks.ink_marks): numbers and days
written by pen into "Số: … /QĐ-UBND" and "ngày … tháng … năm", on pages drawn here with the project's fonts and
the samples' pen strokes, where the regions are known."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from domain.settings import Settings
from ocr import blanks, marks, preprocess
from ocr.marks import HANDWRITING
from ocr.page import ocr_page
from samples.fonts import font
from samples.ink import apply_ink
from samples.official_draw import PEN_BLACK
from samples.pen_digits import pen_mask

INK = (20, 20, 24)
BODY = ["Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 (sửa đổi);",
        "Theo đề nghị của Trưởng phòng Văn hóa - Xã hội,",
        "Điều 1. Công nhận ông Nguyễn Văn An là Tổ trưởng",
        "tổ dân phố số 5, phường Hoàn Kiếm, thành phố Hà Nội."]


def _page(seed: int) -> tuple[np.ndarray, list[tuple[int, int, int, int]], np.ndarray]:
    """A header with three blanks written in by a black pen, and a body: the page, the pen's boxes, and the
    print's own pixels (the page drawn without the pen)."""
    img = Image.new("RGB", (1700, 1100), "white")
    draw = ImageDraw.Draw(img)
    f = font("serif", 44)
    draw.text((850, 70), "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=font("serif-bold", 44), fill=INK, anchor="ms")
    draw.text((850, 140), "Độc lập - Tự do - Hạnh phúc", font=font("serif-bold", 46), fill=INK, anchor="ms")
    base = 250
    draw.text((120, base), "Số:", font=f, fill=INK, anchor="ls")
    slash = 120 + f.getlength("Số: ") + 230
    draw.text((slash, base), "/QĐ-UBND", font=f, fill=INK, anchor="ls")
    fi = font("serif-italic", 44)
    x = 900
    draw.text((x, base), "Hà Nội, ngày", font=fi, fill=INK, anchor="ls")
    day = x + fi.getlength("Hà Nội, ngày") + 20
    draw.text((day + 110, base), "tháng", font=fi, fill=INK, anchor="ls")
    month = day + 110 + fi.getlength("tháng") + 20
    draw.text((month + 90, base), "năm 2026", font=fi, fill=INK, anchor="ls")
    for n, line in enumerate(BODY):
        draw.text((120, 420 + 90 * n), line, font=f, fill=INK, anchor="ls")
    page = np.array(img)
    printed = page.min(axis=2) < 128
    rng = np.random.default_rng(seed)
    boxes = []
    for value, left, room in (("127", 120 + f.getlength("Số: "), 230), ("15", day, 90), ("4", month, 70)):
        mask = pen_mask(value, int(rng.uniform(58, 66)), rng)
        mx = int(left + (room - mask.shape[1]) / 2)
        my = int(base - mask.shape[0] + rng.uniform(0, 6))
        apply_ink(page, mask, PEN_BLACK, mx, my)
        boxes.append((mx, my, mx + mask.shape[1], my + mask.shape[0]))
    return page, boxes, printed


def _overlaps(box: tuple[int, int, int, int], m) -> bool:
    x0, y0, x1, y1 = box
    return m.left < x1 and x0 < m.left + m.width and m.top < y1 and y0 < m.top + m.height


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_black_pen_in_blanks_found_and_print_beside_it_kept(seed):
    page, boxes, printed = _page(seed)
    grey = preprocess.suppress_stamps(page)
    out, found = marks.ink_marks(grey, [])
    hand = [m for m in found if m.kind == HANDWRITING]
    assert all(any(_overlaps(b, m) for m in hand) for b in boxes)  # every value found
    assert all(any(_overlaps(b, m) for b in boxes) for m in hand)  # and nothing else
    pen = np.zeros(printed.shape, bool)
    for x0, y0, x1, y1 in boxes:
        pen[y0:y1, x0:x1] = True
    assert (out[printed & ~pen] == grey[printed & ~pen]).all()  # the print stays ink where no pen is
    assert np.median(out[pen & ~printed & (grey < 100)]) > 200  # the pen's strokes are paper


def test_read_without_the_pen_as_text():
    page, _boxes, _ = _page(1)
    result = ocr_page(Image.fromarray(page), Settings(), want_pdf=False)
    assert sum(m.kind == HANDWRITING for m in result.marks) == 3
    words = result.text.split()
    assert "/QĐ-UBND" in words and "tháng" in words and "2026" in words
    assert not {"127", "15", "4"} & set(words)
    assert "Tổ trưởng" in result.text and "(sửa đổi);" in result.text


def test_printed_page_has_no_handwriting():
    """Accented capitals, a parenthesis, a slash: tall pieces of print, none a blank's value."""
    page, _boxes, _ = _page(1)
    clean = np.full_like(page, 255)
    img = Image.fromarray(clean)
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
                              "Số: 127/QĐ-UBND (bản sao)", *BODY]):
        draw.text((120, 100 + 100 * n), line, font=font("serif-bold" if n < 2 else "serif", 44), fill=INK)
    grey = preprocess.suppress_stamps(np.array(img))
    out, found = blanks.pen_in_blanks(grey, [])
    assert found == [] and (out == grey).all()


def _lines(lines: list[str], first: tuple[str, int] = ("serif", 44)) -> np.ndarray:
    img = Image.new("RGB", (1700, 1100), "white")
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(lines):
        draw.text((120, 100 + 100 * n), line, font=font(*first) if n == 0 else font("serif", 44), fill=INK)
    return preprocess.suppress_stamps(np.array(img))


def test_a_heading_in_larger_type_is_as_tall_as_its_own_line():
    """"Điều 2." in 64-px bold among 44-px lines: its "2" stands alone and tall against the page, not its line."""
    assert blanks.pen_in_blanks(_lines(["Điều 2. Tổ chức thực hiện", *BODY], ("serif-bold", 64)), [])[1] == []


def test_parentheses_hang_below_the_baseline():
    """"(2)": two tall thin strokes side by side with room around them, but reaching under the line."""
    assert blanks.pen_in_blanks(_lines(["theo khoản (2) Điều 5 và mục (3)", *BODY]), [])[1] == []


@pytest.mark.parametrize(("seed", "k"), [(78, 4), (79, 5)])
def test_print_blurred_into_one_wide_piece_is_not_a_value(seed, k):
    """Generated official pages where letters ran together into one piece wider than tall (an office scan, a
    photocopy): every handwriting mark found meets a handwritten value of the truth."""
    from bench.marks import _meets, _upright
    from ocr.page import prepare_marked
    from samples.official import official_pages

    page = next(official_pages(1, seed, "office", start=k, pen="black" if seed == 78 else None))
    truth = _upright(page.image, page.regions)
    hand = [m for m in prepare_marked(page.image)[3] if m.kind == HANDWRITING]
    assert hand and all(any(_meets(t, m) for t in truth) for m in hand)


def test_a_copiers_dark_edge_is_no_value():
    """Curved slivers of a photocopy's dark edge beside the ends of lines: tall, thin, alone — at the border."""
    img = Image.new("RGB", (1700, 1100), "white")
    draw = ImageDraw.Draw(img)
    for n, line in enumerate(BODY):
        base = 160 + 100 * n
        draw.text((420, base), line, font=font("serif", 44), fill=INK, anchor="ls")
        draw.arc((1650, base - 62, 1690, base), 270, 90, fill=INK, width=4)
    assert blanks.pen_in_blanks(preprocess.suppress_stamps(np.array(img)), [])[1] == []


def test_a_page_filled_in_by_hand_is_its_own_text():
    """Twenty rows of a register filled in with a black pen: the pen is the page's text, nothing is set aside."""
    img = Image.new("RGB", (1700, 2400), "white")
    draw = ImageDraw.Draw(img)
    f = font("serif", 40)
    for n in range(20):
        draw.text((120, 100 + 110 * n), "Số:", font=f, fill=INK, anchor="ls")
        draw.text((520, 100 + 110 * n), "/QĐ-UBND ngày", font=f, fill=INK, anchor="ls")
    page = np.array(img)
    rng = np.random.default_rng(7)
    for n in range(20):
        mask = pen_mask(str(10 + 7 * n), 60, rng)
        apply_ink(page, mask, PEN_BLACK, 220, 100 + 110 * n - mask.shape[0] + 2)
    grey = preprocess.suppress_stamps(page)
    out, found = blanks.pen_in_blanks(grey, [])
    assert found == [] and (out == grey).all()


def test_the_stroke_pass_components_give_the_same_values():
    """ocr.marks hands its own components of the page to pen_in_blanks (made the same way, not made twice): the
    values found and the page whitened are those pen_in_blanks finds on its own."""
    page, _boxes, _ = _page(2)
    grey = preprocess.suppress_stamps(page)
    f = max(1, grey.shape[1] // 1000)
    small = cv2.resize(grey, (grey.shape[1] // f, grey.shape[0] // f), interpolation=cv2.INTER_AREA)
    binary = cv2.adaptiveThreshold(small, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 20)
    _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    alone, found = blanks.pen_in_blanks(grey, [])
    given, found_given = blanks.pen_in_blanks(grey, [], (f, small, binary, labels, stats))
    assert found and found_given == found
    assert np.array_equal(given, alone)
    whole, flagged = marks.ink_marks(grey, [])
    assert np.array_equal(whole, alone) and [m.kind for m in flagged] == [HANDWRITING] * len(found)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 400), st.integers(0, 400), st.integers(1, 40), st.integers(1, 40)),
                max_size=40))
def test_candidates_grouped_as_their_pairs_say(boxes):
    """Pieces are grouped (all pairs at once) exactly as the definition pair by pair: overlapping vertically by
    half the smaller height, the gap between them at most the taller one's height, chains joined."""
    xs, ys, ws, hs = np.array(boxes, dtype=np.int32).reshape(-1, 4).T

    def side_by_side(i: int, j: int) -> bool:
        overlap = min(ys[i] + hs[i], ys[j] + hs[j]) - max(ys[i], ys[j])
        gap = max(xs[i], xs[j]) - min(xs[i] + ws[i], xs[j] + ws[j])
        return overlap >= 0.5 * min(hs[i], hs[j]) and gap <= max(hs[i], hs[j])

    n = len(boxes)
    group = list(range(n))  # each piece's group: the least piece a chain of pairs reaches
    for _ in range(n):
        for i in range(n):
            for j in range(n):
                if i != j and side_by_side(i, j):
                    group[i] = group[j] = min(group[i], group[j])
    expected: dict[int, list[int]] = {}
    for i in range(n):
        expected.setdefault(group[i], []).append(i)
    assert blanks._groups(xs, ys, ws, hs) == list(expected.values())
