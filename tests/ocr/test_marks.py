"""Seals, stamps, signatures and handwriting set aside (ocr/marks.py), on pages drawn here with the project's
fonts and the samples' ink marks."""
from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image, ImageDraw

from domain.settings import Settings
from ocr import marks, preprocess
from ocr.marks import HANDWRITING, SEAL, SIGNATURE, STAMP, Mark
from ocr.page import ocr_page, prepare_marked
from ocr.words import Word
from samples.fonts import font
from samples.ink import PEN_BLUE, STAMP_RED, apply_ink, signature_mask, stamp_mask

BLACK = (20, 20, 20)
LINES = ["QUYẾT ĐỊNH VỀ VIỆC CÔNG NHẬN", "Điều 1. Công nhận ông Nguyễn Văn An", "là Tổ trưởng tổ dân phố số 5",
         "Điều 2. Quyết định có hiệu lực từ ngày ký", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]


def _page(lines: list[str] = LINES, size: tuple[int, int] = (1700, 1300), top: int = 80, pitch: int = 90
          ) -> np.ndarray:
    img = Image.new("RGB", size, "white")
    draw = ImageDraw.Draw(img)
    for n, text in enumerate(lines):
        draw.text((120, top + n * pitch), text, font=font("serif", 44), fill=BLACK)
    return np.array(img)


def _overlaps(m: Mark, box: tuple[int, int, int, int]) -> bool:
    x0, y0, x1, y1 = box
    return m.left < x1 and x0 < m.left + m.width and m.top < y1 and y0 < m.top + m.height


def _ink(page: np.ndarray, mask: np.ndarray, colour, x: int, y: int) -> tuple[int, int, int, int]:
    apply_ink(page, mask, colour, x, y)
    return x, y, x + mask.shape[1], y + mask.shape[0]


def test_red_seal_found_and_black_text_under_it_still_read():
    page = _page()
    box = _ink(page, stamp_mask("ỦY BAN NHÂN DÂN XÃ BÌNH MINH", np.random.default_rng(3), 380), STAMP_RED, 80, 310)
    found = marks.colour_marks(page)
    assert [m.kind for m in found] == [SEAL] and _overlaps(found[0], box)
    result = ocr_page(Image.fromarray(page), Settings(), want_pdf=False)
    assert any(m.kind == SEAL and _overlaps(m, box) for m in result.marks)
    assert "Tổ trưởng tổ dân phố" in result.text and "Công nhận ông Nguyễn Văn An" in result.text


def test_seal_washed_without_cutting_the_print_it_crosses():
    """The scanner's blur mixes a seal's red with the black strokes it crosses: those pixels are darker than the
    red alone and keep the print's share of their darkness, so the title's letters are whole once the seal is
    washed (made paper, "PHÓ" read "PHIÓ" and a signer's "Lê" "1ê")."""
    title = _page(["PHÓ GIÁM ĐỐC"], size=(900, 300), top=120)
    sealed = title.copy()
    _ink(sealed, stamp_mask("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", np.random.default_rng(4), 260), STAMP_RED, 40, 40)
    title, sealed = (cv2.GaussianBlur(p, (0, 0), 1.3) for p in (title, sealed))
    found = marks.colour_marks(sealed)
    assert [m.kind for m in found] == [SEAL]
    washed = marks.wash_pen(preprocess.suppress_stamps(sealed), sealed, found)
    print_ink = cv2.cvtColor(title, cv2.COLOR_RGB2GRAY) < 90  # the strokes' cores (their blurred rims aside)
    assert (washed[print_ink] < 128).mean() > 0.99  # whole where the seal crossed them too (0.92 made paper)
    paper = cv2.cvtColor(title, cv2.COLOR_RGB2GRAY) > 250
    assert (washed[paper] > 150).mean() > 0.999  # and the seal alone is paper


def test_a_signature_across_a_seal_washes_out_with_it():
    """Blue over red is dark and magenta: the hue moved towards the other ink, not the print's grey, so both go
    (kept as print's share, its strokes across the seal were read as an "N")."""
    page = _page(["PHÓ GIÁM ĐỐC"], size=(900, 400), top=120)
    paper = cv2.GaussianBlur(page, (0, 0), 1.3).min(axis=2) > 250  # the title's blurred rims aside
    _ink(page, stamp_mask("ỦY BAN NHÂN DÂN TỈNH KHÁNH HÒA", np.random.default_rng(4), 260), STAMP_RED, 40, 40)
    _ink(page, signature_mask(np.random.default_rng(8), 300, 120), PEN_BLUE, 60, 200)
    page = cv2.GaussianBlur(page, (0, 0), 1.3)
    found = marks.colour_marks(page)
    assert sorted(m.kind for m in found) == [SEAL, SIGNATURE]
    washed = marks.wash_pen(preprocess.suppress_stamps(page), page, found)
    assert (washed[paper] <= 150).sum() <= 10  # of 350,000 (26 with any hue within 15° kept as print, 4 now)


def test_black_signature_flagged_as_signature_not_read_as_text():
    page = _page(LINES[:4] + ["", "", "", "Nguyễn Văn Bình"])
    box = _ink(page, signature_mask(np.random.default_rng(5), 520, 230), BLACK, 140, 440)
    result = ocr_page(Image.fromarray(page), Settings(), want_pdf=False)
    assert [m.kind for m in result.marks] == [SIGNATURE] and _overlaps(result.marks[0], box)
    truth = {w for line in LINES[:4] + ["Nguyễn Văn Bình"] for w in line.split()}
    assert {w.text for w in result.words} <= truth  # nothing read off the scribble
    assert "Nguyễn Văn Bình" in result.text


def test_blue_signature_and_handwritten_number():
    page = _page(["Số:        /QĐ-UBND", *LINES[1:4]])
    printed = page.min(axis=2) < 100
    near_print = cv2.dilate((page.min(axis=2) < 250).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0  # and rims
    sig = _ink(page, signature_mask(np.random.default_rng(8), 480, 200), PEN_BLUE, 700, 420)
    img = Image.new("L", (160, 70), 0)
    ImageDraw.Draw(img).text((5, 5), "127", font=font("serif-italic", 50), fill=255)
    digits = np.asarray(img, np.float32) / 255
    number = _ink(page, digits, PEN_BLUE, 210, 75)
    found = marks.colour_marks(page)
    assert sorted(m.kind for m in found) == [HANDWRITING, SIGNATURE]
    assert all(_overlaps(m, sig if m.kind == SIGNATURE else number) for m in found)
    washed = marks.wash_pen(preprocess.suppress_stamps(page), page, found)
    x0, y0, x1, y1 = number
    pen_only = (digits > 0.5) & ~near_print[y0:y1, x0:x1]  # a pixel pen and print share keeps print's share
    assert washed[y0:y1, x0:x1][pen_only].min() > 150  # the pen's digits are paper in the image read
    assert np.median(washed[printed]) < 60  # and the print is still ink


def test_printed_red_title_is_text_not_a_mark():
    img = Image.fromarray(_page())
    ImageDraw.Draw(img).text((300, 1150), "GIẤY CHỨNG NHẬN KẾT HÔN", font=font("serif-bold", 56), fill=STAMP_RED)
    assert marks.colour_marks(np.array(img)) == []


def test_rectangular_receipt_stamp():
    page = _page()
    img = Image.new("L", (420, 200), 0)
    draw = ImageDraw.Draw(img)
    draw.rectangle((4, 4, 415, 195), outline=255, width=7)
    draw.text((30, 20), "CÔNG VĂN ĐẾN", font=font("sans-bold", 40), fill=255)
    draw.text((30, 100), "Số: ....  Ngày: ....", font=font("serif", 34), fill=255)
    box = _ink(page, np.asarray(img, np.float32) / 255, (120, 50, 150), 1150, 60)  # violet ink
    found = marks.colour_marks(page)
    assert [m.kind for m in found] == [STAMP] and _overlaps(found[0], box)


def _grey_stamped(level: int = 110, blur: int = 0) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A grey page with a receipt stamp of ``level`` over its first lines' start (toner leaves a violet stamp a
    mid grey), the print blurred by ``blur`` pixels first (a copy's); the page and the stamp's box."""
    grey = np.array(Image.fromarray(_page()).convert("L"))
    if blur:
        grey = cv2.GaussianBlur(grey, (0, 0), blur)
    stamp = Image.new("L", (420, 200), 0)
    draw = ImageDraw.Draw(stamp)
    draw.rectangle((4, 4, 415, 195), outline=255, width=5)
    draw.text((20, 60), "ĐẾN", font=font("sans-bold", 56), fill=255)
    for k, label in enumerate(("Số:", "Ngày:", "Chuyển:")):
        draw.text((170, 20 + 55 * k), label, font=font("sans-bold", 28), fill=255)
    box = (110, 120, 530, 320)
    part = grey[box[1]:box[3], box[0]:box[2]]
    part[(np.array(stamp) > 0) & (part > level)] = level
    return grey, box


def test_a_grey_receipt_stamp_is_found_before_the_rules_are_erased():
    """On a grey photocopy a receipt stamp's frame is four straight rules: erased with the page's rules first, its
    box was not found, and its "ĐẾN", "Chuyển:" were read as the header's text."""
    grey, box = _grey_stamped()
    found = prepare_marked(Image.fromarray(grey)).marks
    assert any(m.kind == STAMP and _overlaps(m, box) for m in found), found


def test_a_pale_grey_stamp_is_washed_and_the_print_under_it_kept():
    """Colour washes a colour scan's stamp; a grey scan's pale one is washed by its grey, the print it covers
    left dark."""
    grey, (x0, y0, x1, y1) = _grey_stamped()
    prepared = prepare_marked(Image.fromarray(grey))
    assert prepared.rotation == 0 and abs(prepared.angle) < 0.05  # (the image read is the page's own frame)
    before, after = grey[y0:y1, x0:x1], prepared.grey[y0:y1, x0:x1]
    stamp = before == 110
    assert (after[stamp] > 200).mean() > 0.95  # the stamp's strokes are paper
    print_ = before < 60
    assert (after[print_] < 128).mean() > 0.95  # the print under and beside it is kept


@pytest.mark.parametrize("case", ["as dark as print", "blurred copy", "over a seal"])
def test_a_grey_stamp_is_left_where_its_grey_cannot_tell_it_from_print(case):
    from ocr.under_seal import wash_pale_marks

    grey, (x0, y0, x1, y1) = _grey_stamped(level=40 if case == "as dark as print" else 110,
                                           blur=3 if case == "blurred copy" else 0)
    found = [Mark(STAMP, x0, y0, x1 - x0, y1 - y0, 0.9)]
    if case == "over a seal":  # the signer's block, its seal and title taken for a stamp
        found.append(Mark(SEAL, x0 + 100, y0 + 50, 150, 150, 0.9))
    assert wash_pale_marks(grey, found) is grey
    if case == "over a seal":
        assert wash_pale_marks(grey, found[:1]) is not grey  # the same stamp alone is washed


def test_handwritten_page_is_its_own_text():
    page = np.full((1300, 1700, 3), 255, np.uint8)
    for n in range(8):
        img = Image.new("L", (1400, 70), 0)
        ImageDraw.Draw(img).text((0, 0), f"Nguyễn Văn An sinh ngày {n + 1} tháng 3", font=font("serif-italic", 50),
                                 fill=255)
        apply_ink(page, np.asarray(img, np.float32) / 255, PEN_BLUE, 100, 100 + 130 * n)
    assert marks.colour_marks(page) == []


def test_black_ring_seal_flagged_and_text_kept():
    page = _page()
    ring = Image.new("L", (360, 360), 0)
    ImageDraw.Draw(ring).ellipse((5, 5, 355, 355), outline=255, width=8)
    box = _ink(page, np.asarray(ring, np.float32) / 255, BLACK, 1250, 500)
    grey = preprocess.suppress_stamps(page)
    out, found = marks.ink_marks(grey, [])
    assert [m.kind for m in found] == [SEAL] and _overlaps(found[0], box)
    assert (out == grey).all()  # flagged only: a grey seal's ring crosses the print it sits on


def _a4_page() -> Image.Image:
    """An A4 page at 200 dpi of 30 lines of 13-pt print (letters ≈16 px: a mark three lines tall is 50 px)."""
    page = Image.new("RGB", (1653, 2339), "white")
    draw = ImageDraw.Draw(page)
    for n in range(30):
        draw.text((250, 200 + 60 * n), "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014", font=font("serif", 26),
                  fill=BLACK)
    return page


@pytest.mark.parametrize("scale, kind", [(1, None), (5, SEAL)])
def test_a_ring_run_into_a_stroke_is_a_seal_only_at_a_seals_size(scale, kind):
    """A ring a stroke runs from (a seal with its signature's tail; at a fifth the size, a stamp's "Đ" run into its
    underline, 62 px tall on an A4 page at 200 dpi, whose box then kept the stamp over it unwashed) is a seal only
    as large as one."""
    mark = Image.new("L", (130 * scale, 62 * scale), 0)
    pen = ImageDraw.Draw(mark)
    pen.ellipse((2 * scale, 2 * scale, 60 * scale, 60 * scale), outline=255, width=3 * scale)
    pen.line((58 * scale, 31 * scale, 128 * scale, 40 * scale), fill=255, width=3 * scale)
    page = np.array(_a4_page())
    _ink(page, np.asarray(mark, np.float32) / 255, BLACK, 900, 1000)
    found = marks.ink_marks(preprocess.suppress_stamps(page), [])[1]
    assert [m.kind for m in found if m.kind == SEAL] == ([kind] if kind else [])


def test_a_seal_come_apart_in_pieces_with_its_signature_is_one_seal():
    """A grey copy's seal whose ring came apart: one piece its right half with the signature run across it, the
    other its left half, whose middle the first piece's box holds. Together they run along one ring: a seal."""
    page = _a4_page()
    draw = ImageDraw.Draw(page)
    cx, cy, r = 1100, 1990, 130
    draw.rectangle((cx - 260, cy - 150, cx + 260, cy + 150), fill="white")
    draw.arc((cx - r, cy - r, cx + r, cy + r), 100, 260, fill=BLACK, width=6)
    draw.arc((cx - r, cy - r, cx + r, cy + r), -80, 80, fill=BLACK, width=6)
    draw.line((cx - 100, cy + 40, cx + 220, cy + 20), fill=BLACK, width=5)
    found = marks.ink_marks(preprocess.suppress_stamps(np.array(page)), [])[1]
    assert [m.kind for m in found] == [SEAL]
    assert abs(found[0].left - (cx - r)) <= 10 and abs(found[0].width - (cx + 220 - (cx - r))) <= 10


@pytest.mark.parametrize("ringed", [True, False])
def test_a_seal_a_black_and_white_copy_broke_into_arcs_is_found_around_its_signature(ringed):
    """A seal's two rings broken by the threshold into arcs of 20°, none large enough to be looked at alone, a
    signature across them over the page's print: one seal, as large as the outer ring, and no signature left. The
    same signature with no ring: a signature, though circles through the print around it are inked in places."""
    page = _a4_page()
    draw = ImageDraw.Draw(page)
    cx, cy = 1100, 1400
    if ringed:
        for r in (140, 95):
            for start in range(0, 360, 30):
                draw.arc((cx - r, cy - r, cx + r, cy + r), start, start + 20, fill=BLACK, width=4)
    draw.line([(cx - 60, cy + 30), (cx + 10, cy - 40), (cx + 60, cy + 20), (cx + 200, cy - 10)], fill=BLACK, width=5)
    found = marks.ink_marks(preprocess.suppress_stamps(np.array(page)), [])[1]
    if ringed:
        assert [m.kind for m in found] == [SEAL]
        assert abs(found[0].left - (cx - 140)) <= 10 and abs(found[0].width - 280) <= 20
    else:
        assert [m.kind for m in found] == [SIGNATURE]


def test_no_seal_is_found_around_a_signature_in_a_shaded_copys_dither():
    """A signature in a dithered patch (a black-and-white copy of a shaded corner: a fifth of it ink, in dots): once
    widened, any circle at a seal's size runs over ink there, but no ring stands out from the paper beside it."""
    page = np.array(_a4_page())
    cx, cy = 1100, 1400
    dots = np.random.default_rng(3).random((700, 800)) < 0.2
    page[cy - 350:cy + 350, cx - 450:cx + 350][dots] = 0
    signature = Image.new("L", (300, 90), 0)
    ImageDraw.Draw(signature).line([(0, 70), (70, 0), (120, 60), (260, 30)], fill=255, width=5)
    _ink(page, np.asarray(signature, np.float32) / 255, BLACK, cx - 60, cy - 40)
    found = marks.ink_marks(preprocess.suppress_stamps(page), [])[1]
    assert SIGNATURE in {m.kind for m in found} and SEAL not in {m.kind for m in found}


def test_printed_page_has_no_marks():
    page = _page()
    assert marks.colour_marks(page) == []
    assert marks.ink_marks(preprocess.suppress_stamps(page), [])[1] == []


@pytest.mark.parametrize("turn", [0, 90])
def test_boxes_follow_the_page_turned_and_deskewed(turn):
    page = _page()
    _ink(page, stamp_mask("ỦY BAN NHÂN DÂN", np.random.default_rng(1), 300), STAMP_RED, 1200, 700)
    img = Image.fromarray(page).rotate(-turn + 3, expand=True, fillcolor="white")  # 3° skew on top
    grey, found = (prepared := prepare_marked(img)).grey, prepared.marks
    seal = next(m for m in found if m.kind == SEAL)
    again = marks.colour_marks(np.dstack([grey] * 3))  # nothing coloured is left to find in the grey image read
    assert again == []
    # Where the seal's ring was, the image read is paper around a printed-free spot: check the box against
    # the seal found again by its shape in the original drawn without its colour (and washed by its grey then).
    mono = np.array(Image.fromarray(page).convert("L").convert("RGB"))
    ref = prepare_marked(Image.fromarray(mono).rotate(-turn + 3, expand=True, fillcolor="white")).marks
    ring = [m for m in ref if m.kind == SEAL]
    assert ring and abs(ring[0].left - seal.left) < 30 and abs(ring[0].top - seal.top) < 30


def test_grey_seal_a_signature_runs_into_is_still_a_seal():
    page = _page()
    ring = Image.new("L", (360, 360), 0)
    ImageDraw.Draw(ring).ellipse((5, 5, 355, 355), outline=255, width=8)
    box = _ink(page, np.asarray(ring, np.float32) / 255, BLACK, 1000, 500)
    _ink(page, signature_mask(np.random.default_rng(5), 520, 230), BLACK, 1150, 560)  # over the ring's right side
    _, found = marks.ink_marks(preprocess.suppress_stamps(page), [])
    assert [m.kind for m in found] == [SEAL] and _overlaps(found[0], box)


def test_register_page_filled_by_pen_is_its_own_text():
    """A printed register filled in by hand: much print (headings, many lines of it) and the pen in many small
    pieces, each a cell's value. The pen's share of the ink is small, but its pieces are a page's worth of rows."""
    page = _page([*LINES, *LINES, *LINES, *LINES], size=(1700, 2400), top=40, pitch=95)

    def pen_value(text: str, x: int, y: int) -> None:
        img = Image.new("L", (220, 50), 0)
        ImageDraw.Draw(img).text((0, 0), text, font=font("serif-italic", 36), fill=255)
        apply_ink(page, np.asarray(img, np.float32) / 255, PEN_BLUE, x, y)

    for row in range(10):
        for col, x in enumerate((1000, 1300)):
            pen_value(f"{row + 1}/{col + 3}", x, 60 + 220 * row)
    assert marks.colour_marks(page) == []
    page = _page()  # the same pen, three pieces on an official page: set aside
    for n in range(3):
        pen_value(f"{n + 12}", 1000, 100 + 300 * n)
    assert sorted(m.kind for m in marks.colour_marks(page)) == [HANDWRITING] * 3


def _box(component: np.ndarray, kind: str = SIGNATURE) -> Mark:
    ys, xs = np.nonzero(component)
    return Mark(kind, int(xs.min()), int(ys.min()), int(xs.max() - xs.min() + 1), int(ys.max() - ys.min() + 1), 0.6)


def test_a_stamps_frame_worn_in_two_is_one_stamp():
    """A photocopied receipt stamp's frame worn through on its left side and at its top's right end comes apart in
    two strokes, print it runs into glued to each: neither is boxed alone, together they are the stamp."""
    x0, y0, x1, y1 = 40, 50, 440, 230
    top, rest = np.zeros((260, 520), np.uint8), np.zeros((260, 520), np.uint8)
    top[y0:y0 + 4, x0:x1 - 60] = 1
    top[y0:y0 + 60, x0:x0 + 4] = 1
    top[y0 - 45:y0, x1 - 150:x1 - 140] = 1  # the issuing body's letter above it, run into it
    top[y0 - 45:y0 - 37, x1 - 190:x1 - 100] = 1
    rest[y0 + 70:y1, x0:x0 + 4] = 1
    rest[y1 - 4:y1, x0:x1] = 1
    rest[y0:y1, x1 - 4:x1] = 1
    rest[y0:y0 + 4, x1 - 50:x1] = 1
    rest[y0 + 60:y0 + 66, x1:x1 + 60] = 1  # the number's "T" right of it
    rest[y0 + 40:y0 + 90, x1 + 25:x1 + 31] = 1
    labels = top + 2 * rest.astype(np.int32)
    strokes = [_box(top), _box(rest)]
    found = marks._broken_frames(strokes, [1, 2], labels, 1)
    assert [m.kind for m in found] == [STAMP] and (found[0].left, found[0].top) == (x0, y0 - 45)
    # Two strokes of a signature that cross are no frame: they stay what they were.
    pen = np.zeros((260, 520), np.int32)
    cv2.line(pen, (40, 200), (300, 40), 1, 4)
    cv2.line(pen, (120, 60), (420, 220), 2, 4)
    found = marks._broken_frames([_box(pen == 1), _box(pen == 2)], [1, 2], pen, 1)
    assert [m.kind for m in found] == [SIGNATURE, SIGNATURE]


def test_a_stamps_own_words_are_set_aside_however_sure():
    stamp = Mark(STAMP, 100, 100, 400, 200, 0.8)
    inside = [Word(t, 0.95, 120 + 90 * k, 150, 70, 30, 1, 0) for k, t in enumerate(["ĐẾN", "Chuyến", "Ngày:", "Số:"])]
    kept = marks.set_aside(inside + [Word("ngày", 0.95, 700, 150, 70, 30, 1, 0)], [stamp])
    assert [w.text for w in kept] == ["Số:", "ngày"]  # the document's number line, and its date line beside
    assert [w.text for w in marks.set_aside(inside, [])] == ["ĐẾN", "Chuyến", "Ngày:", "Số:"]


def test_a_stamps_office_name_in_small_capitals_is_set_aside():
    """The receiving office's name along a stamp's top, in capitals smaller than the page's: the stamp's print.
    The document's own header under the stamp, in capitals of the page's size, stays."""
    stamp = Mark(STAMP, 100, 100, 500, 200, 0.8)
    def words(top: int, height: int, *texts: str) -> list[Word]:
        return [Word(t, 0.95, 130 + 110 * k, top, 100, height, 1, 0) for k, t in enumerate(texts)]

    header = words(40, 33, "ỦY", "BAN", "NHÂN", "DÂN") + words(80, 25, "UBND", "NAM", "BAN")  # no mark above: shorter
    office = words(120, 21, "VĂN", "PHÒNG", "ĐĂNG", "KÝ")
    under = words(200, 33, "TỈNH", "NGHỆ") + words(200, 25, "AN")
    kept = [w.text for w in marks.set_aside(header + office + under, [stamp])]
    assert kept == ["ỦY", "BAN", "NHÂN", "DÂN", "UBND", "NAM", "BAN", "TỈNH", "NGHỆ", "AN"]


def test_a_capital_with_a_horn_is_as_tall_as_one_unmarked():
    """"SỞ TƯ PHÁP" along a stamp's top frame: "TƯ" (24 px) stands as "UBND" does, not as the capitals with a mark
    above (30–36 px), and is the document's own word, not the stamp's small print (18 px)."""
    stamp = Mark(STAMP, 100, 100, 500, 200, 0.8)
    def words(top: int, height: int, *texts: str) -> list[Word]:
        return [Word(t, 0.95, 130 + 110 * k, top, 100, height, 1, 0) for k, t in enumerate(texts)]

    page = words(20, 33, "TỈNH", "QUẢNG", "TRỊ", "SỞ", "PHÁP", "CỘNG") + words(60, 24, "UBND", "NAM", "VN")
    title = words(105, 24, "TƯ")
    office = words(140, 18, "UBND", "XÃ", "CÒN")
    kept = [w.text for w in marks.set_aside(page + title + office, [stamp])]
    assert kept == [w.text for w in page] + ["TƯ"]


def test_a_stamps_office_name_read_taller_and_its_frames_strokes_are_set_aside():
    """A photocopy's stamp: "PHÒNG" between the office's small capitals, its box stretched by the "Số:" under it
    (36 px where they stand 20); the frame's bits the rules' removal left, read as "|" and, at its corner, "Ì". The
    document's capitals, a one-letter word inside the box and one a body line was cut to at its side stay."""
    stamp = Mark(STAMP, 262, 343, 483, 134, 0.99)
    page = [Word(t, 0.95, 700 + 150 * k, 357, 140, 51, 1, 0) for k, t in enumerate(["THÔNG", "BÁO", "ỦY", "BAN"])]
    office = [Word("VĂN", 0.96, 291, 357, 41, 20, 1, 0), Word("PHÒNG", 0.97, 336, 354, 83, 36, 1, 0),
              Word("ĐĂNG", 0.96, 427, 362, 63, 21, 1, 0), Word("KÝ", 0.97, 499, 365, 29, 19, 1, 0)]
    frame = [Word("Ì", 0.68, 269, 344, 11, 31, 1, 0), Word("|", 0.82, 262, 444, 1, 24, 1, 1)]
    inside = [Word("Về", 0.95, 586, 407, 47, 44, 1, 1), Word("A", 0.95, 560, 420, 20, 26, 1, 1),
              Word("K", 0.9, 728, 440, 15, 30, 1, 2)]  # a body line's word the frame cut, against its side
    kept = [w.text for w in marks.set_aside(page + office + frame + inside, [stamp])]
    assert kept == ["THÔNG", "BÁO", "ỦY", "BAN", "Về", "A", "K"]
    assert [w.text for w in marks.set_aside(office + frame, [])] == ["VĂN", "PHÒNG", "ĐĂNG", "KÝ", "Ì", "|"]


def test_a_number_written_into_a_stamp_is_set_aside_and_the_documents_own_stay():
    """The receiving clerk writes the stamp's number and date by hand, taller than the page's print ("Số: 17226",
    "20/8/2026"); the document's own number row and its numbers under the stamp are print."""
    stamp = Mark(STAMP, 100, 100, 500, 200, 0.8)
    page = [Word(t, 0.95, 700 + 90 * k, 40 + 35 * (k % 5), 80, 26, 1, k % 5)
            for k, t in enumerate(["Căn", "cứ", "Luật", "Hộ", "tịch", "ngày", "20", "tháng", "11", "năm"])]
    pen = [Word("17226", 0.6, 300, 150, 170, 39, 1, 9), Word("20/8/2026", 0.97, 300, 220, 200, 45, 1, 10)]
    printed = [Word("/QĐ-UBND", 0.9, 300, 190, 170, 28, 1, 11), Word("06", 0.97, 480, 260, 30, 24, 1, 12)]
    kept = [w.text for w in marks.set_aside(page + pen + printed, [stamp])]
    assert kept == [w.text for w in page] + ["/QĐ-UBND", "06"]
    assert [w.text for w in marks.set_aside(pen, [])] == ["17226", "20/8/2026"]  # no stamp: read as they are


def test_a_number_written_into_a_stamps_blank_as_tall_as_the_print_is_set_aside():
    """The other generator's receipt stamps have their number and date written in an upright pen as tall as the
    print: each stands right of the stamp's "Số:" or "Ngày:", and goes ("Ngày:" is the stamp's label and goes too;
    a "Số:" stays: it may be the document's own, under the stamp). A number written into the document's own "Số: …
    /TB-UBND" under the stamp goes too (handwriting); a body line's numbers under the stamp stay."""
    stamp = Mark(STAMP, 100, 100, 500, 250, 0.8)
    entered = [Word("3108", 0.75, 350, 146, 74, 30, 1, 0), Word("Ngày:", 0.9, 300, 200, 69, 26, 1, 1),
               Word("24/8", 0.9, 380, 198, 65, 28, 1, 1), Word("1060", 0.6, 350, 248, 70, 28, 1, 2)]
    printed = [Word("Số:", 0.95, 300, 150, 40, 26, 1, 0),
               Word("Số:", 0.95, 300, 250, 40, 26, 1, 2), Word("/TB-UBND", 0.9, 425, 250, 150, 28, 1, 2),
               Word("ngày", 0.95, 200, 300, 60, 26, 1, 3), Word("07", 0.95, 270, 300, 30, 26, 1, 3),
               Word("tháng", 0.95, 310, 300, 70, 26, 1, 3)]
    kept = [w.text for w in marks.set_aside(entered + printed, [stamp])]
    assert kept == [w.text for w in printed]
    assert [w.text for w in marks.set_aside(entered + printed, [])] == [w.text for w in entered + printed]
    # A grey copy read the labels' colons as stops and the date's slash twice (other generator, dev seed 5147,
    # page 2: "Đ 3491" and "24//4-" were read into the header): the entries go; a word that is no number stays.
    grey = [Word("Số.", 0.07, 484, 401, 29, 17, 1, 5), Word("3491", 0.89, 530, 401, 72, 28, 1, 5),
            Word("Ngay.", 0.92, 480, 435, 56, 28, 1, 6), Word("24//4-", 0.41, 558, 439, 81, 27, 1, 6),
            Word("Số.", 0.9, 484, 480, 29, 17, 1, 7), Word("Vân", 0.9, 530, 480, 60, 28, 1, 7)]
    stamp = Mark(STAMP, 330, 340, 460, 180, 0.8)
    assert [w.text for w in marks.set_aside(grey, [stamp])] == ["Số.", "Vân"]


def _worn_stamp(page: Image.Image, at: tuple[int, int], angle: float, worn_side: bool = False, w: int = 390) -> None:
    """A receipt stamp as a black-and-white scan leaves it: its frame in black dashes (the threshold wore it
    through), its words inside, the whole set ``angle``° askew. ``worn_side``: of its left side one dash is left;
    ``w``: its width (0.24 of the page's, as Decree 30's 50 mm on A4)."""
    h = 190
    layer = Image.new("L", (w + 40, h + 40), 255)
    draw = ImageDraw.Draw(layer)
    for (x0, y0), (x1, y1) in [((20, 20), (20 + w, 20)), ((20, h + 20), (20 + w, h + 20)),
                               ((20, 20), (20, h + 20)), ((20 + w, 20), (20 + w, h + 20))]:
        length = max(x1 - x0, y1 - y0)
        if worn_side and x0 == x1 == 20:
            draw.line([(20, 90), (20, 142)], fill=0, width=4)
            continue
        for s in range(0, length, 70):  # 50-pixel dashes, 20 pixels of paper between
            e = min(length, s + 50)
            draw.line([(x0 + s, y0), (x0 + e, y0)] if y0 == y1 else [(x0, y0 + s), (x0, y0 + e)], fill=0, width=4)
    draw.text((40, 50), "UBND XÃ BÌNH MINH", font=font("serif", 22), fill=0)
    draw.text((40, 100), "ĐẾN  Số: 1168", font=font("serif-bold", 34), fill=0)
    draw.text((40, 150), "Ngày: 15/9/2026", font=font("serif", 22), fill=0)
    turned = layer.rotate(angle, resample=Image.BICUBIC, expand=True, fillcolor=255)
    page.paste(Image.fromarray(np.minimum(np.array(page.crop((at[0], at[1], at[0] + turned.width,
                                                                  at[1] + turned.height))), np.array(turned))), at)


def _black_and_white_letter(form_box: bool = False, stamp_top: int = 260, worn_side: bool = False,
                            stamp_wide: int = 390) -> np.ndarray:
    page = Image.new("L", (1653, 2339), 255)
    draw = ImageDraw.Draw(page)
    for n in range(30):  # a letter's body, lines across the page
        draw.text((150, 700 + n * 48), f"{LINES[n % 6]} {LINES[(n + 1) % 6]}", font=font("serif", 30), fill=0)
    if form_box:  # a form's ruled box instead: its rules run on across the page past its sides
        for y in (280, 470):
            draw.line([(60, y), (1600, y)], fill=0, width=4)
        for x in (140, 530):
            draw.line([(x, 280), (x, 470)], fill=0, width=4)
    else:
        _worn_stamp(page, (120, stamp_top), 4.0, worn_side, stamp_wide)
    return np.array(page)


def test_a_one_bit_scan_is_prepared_as_its_colour_copy_is():
    """A 1-bit page takes the grey path (no colour to look for, no RGB copy made): the same image read, the same
    marks set aside, as its copy in RGB gives."""
    bitonal = Image.fromarray(_black_and_white_letter()).rotate(2, expand=True, fillcolor=255).convert("1")
    fast, colour = prepare_marked(bitonal), prepare_marked(bitonal.convert("RGB"))
    assert STAMP in [m.kind for m in fast.marks]
    assert fast.marks == colour.marks and np.array_equal(fast.grey, colour.grey)
    assert (fast.rotation, fast.angle) == (colour.rotation, colour.angle)


def test_a_black_and_white_scan_is_not_searched_for_pale_ink(monkeypatch):
    """Pale stamps and seals are washed on a grey scan by their grey; black and white has none, and the search (a
    ring's Hough search for each seal) is not run there."""
    washed = []
    monkeypatch.setattr("ocr.page.wash_pale_marks", lambda grey, *a, **k: washed.append(grey.shape) or grey)
    letter = _black_and_white_letter()
    prepare_marked(Image.fromarray(letter).convert("1"))
    assert washed == []
    prepare_marked(Image.fromarray(cv2.GaussianBlur(letter, (3, 3), 0.8)))  # the same page scanned in grey
    assert len(washed) == 1


def test_a_stamp_whose_frame_a_black_and_white_scan_wore_through_is_found_by_its_sides():
    grey = _black_and_white_letter()
    found = marks.framed_stamps(grey, [], worn=True)
    assert [m.kind for m in found] == [STAMP]
    stamp = found[0]
    assert stamp.contains(120 + 235, 260 + 130) and 300 <= stamp.width <= 460 and 130 <= stamp.height <= 280
    assert marks.framed_stamps(grey, []) == []  # in one piece only: none
    assert marks.framed_stamps(_black_and_white_letter(form_box=True), [], worn=True) == []


@pytest.mark.parametrize("top, wide, kinds", [(260, 390, [STAMP]), (1300, 390, []), (260, 720, [])])
def test_a_stamp_with_a_side_worn_short_is_found_only_where_and_as_wide_as_decree_30_has_it(top, wide, kinds):
    """One dash left of a worn stamp's left side (52 px, shorter than half a stamp's least height): found with its
    top and bottom where Decree 30 has the receipt stamp put, under the number and summary at the page's top; not
    in the body, where a justified margin's letter stems and a signature's strokes make such short sides too; nor
    0.44 of the page wide, where a header's slash and a pen's "1" stand between the motto's underline and the
    summary's."""
    grey = _black_and_white_letter(stamp_top=top, worn_side=True, stamp_wide=wide)
    found = marks.framed_stamps(grey, [], worn=True)
    assert [m.kind for m in found] == kinds
    if kinds:
        assert found[0].contains(120 + 235, top + 130) and 300 <= found[0].width <= 460


def test_a_stamps_frame_drawn_through_the_header_is_erased_and_the_letters_it_crosses_kept():
    """A black-and-white copy's receipt stamp, 3° askew, its top drawn through the issuing body's "XÃ NHƯ QUỲNH":
    its four sides become paper, the letters they cross and the stamp's own "ĐẾN" inside it stay."""
    text = Image.new("L", (1653, 700), 255)
    draw = ImageDraw.Draw(text)
    draw.text((260, 200), "XÃ NHƯ QUỲNH", font=font("serif-bold", 34), fill=0)
    draw.text((230, 330), "ĐẾN", font=font("serif-bold", 44), fill=0)
    frame = Image.new("L", (470, 270), 255)
    ImageDraw.Draw(frame).rectangle((20, 20, 450, 250), outline=0, width=4)
    frame = frame.rotate(3, resample=Image.BICUBIC, fillcolor=255)
    layer = Image.new("L", text.size, 255)
    layer.paste(frame, (180, 200))  # the top side at y ≈ 220-240: through the words' lower half
    letters, sides = np.array(text) < 128, np.array(layer) < 128
    grey = np.minimum(np.array(text), np.array(layer))
    out = marks.erase_frames(grey, [Mark(STAMP, 200, 215, 430, 235, 0.7)])
    crossed = cv2.dilate(letters.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    assert (out[sides & ~crossed] == 255).mean() > 0.95
    assert (out[letters & ~sides] < 128).mean() > 0.9  # (a pixel or two lost beside a side)
    assert (grey[sides & ~crossed] < 128).all()  # (drawn as meant)


def test_a_worn_frame_is_set_aside_before_reading_but_not_looked_for_on_a_page_with_a_table():
    """``prepare_marked`` finds it on a grey page; a register's cells are boxes of rules a stamp's size too."""
    grey = _black_and_white_letter()
    found = prepare_marked(Image.fromarray(grey)).marks
    assert STAMP in [m.kind for m in found]
    table = grey.copy()
    for x in range(100, 1600, 300):  # a register's columns, the page's height
        table[200:2200, x:x + 3] = 0
    _, _, rules, found, _ = prepare_marked(Image.fromarray(table))
    assert rules.columns and STAMP not in [m.kind for m in found]


def test_colour_along_the_images_edge_is_no_mark():
    """A phone photo's desk left along a side of the flattened page (a blue checked cloth, a brown wood) is no
    handwriting to key; a pen's number near the edge, not touching it, still is."""
    page = _page(["Số:        /QĐ-UBND", *LINES[1:4]])
    page[:14, 300:900] = (40, 90, 200)  # a strip of blue cloth along the top
    page[700:1100, -10:] = (150, 90, 40)  # wood down the right side
    img = Image.new("L", (160, 70), 0)
    ImageDraw.Draw(img).text((5, 5), "127", font=font("serif-italic", 50), fill=255)
    number = _ink(page, np.asarray(img, np.float32) / 255, PEN_BLUE, 1500, 30)  # 30 px below the top edge
    found = marks.colour_marks(page)
    assert [m.kind for m in found] == [HANDWRITING]
    assert _overlaps(found[0], number)
