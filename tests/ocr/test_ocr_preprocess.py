import io

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ocr_render import SERIF, add_stamp, degrade, render_birth
from PIL import Image, ImageDraw, ImageFont

from ocr import preprocess
from samples.fonts import font


@pytest.fixture(scope="module")
def birth_page() -> Image.Image:
    return render_birth().image


def test_red_stamp_washes_out_black_text_survives():
    img = Image.new("RGB", (1200, 400), "white")
    ImageDraw.Draw(img).text((40, 150), "Họ, chữ đệm, tên: NGUYỄN VĂN AN", font=ImageFont.truetype(SERIF, 48),
                             fill="black")
    stamped = np.asarray(add_stamp(img, (600, 200), radius=180))
    text_mask = np.asarray(img.convert("L")) < 100
    stamp_only = (stamped[..., 0] > 150) & (stamped[..., 1] < 120) & ~text_mask
    assert stamp_only.sum() > 2000 and (text_mask & (stamped[..., 1] < 120)).sum() > 1000
    grey = preprocess.suppress_stamps(stamped)
    assert np.percentile(grey[stamp_only], 1) >= 190  # the stamp is paper now (but anti-aliased text rims)
    assert np.median(grey[text_mask]) < 80  # the text is still ink, also where the stamp crossed it
    plain = np.asarray(Image.fromarray(stamped).convert("L"))
    assert np.median(plain[stamp_only]) < 150  # an ordinary grey conversion would have kept the stamp


def test_blue_stamp_washes_out():
    img = add_stamp(Image.new("RGB", (600, 600), "white"), (300, 300), radius=200, colour=(30, 60, 200))
    assert preprocess.suppress_stamps(np.asarray(img)).min() >= 190


def test_red_printed_text_alone_stays_as_it_reads():
    """A red title with no seal on the page: coloured, but no large mark, so nothing is washed."""
    img = Image.new("RGB", (2400, 1600), "white")
    title = ImageFont.truetype(SERIF, 60)
    ImageDraw.Draw(img).text((300, 200), "GIẤY CHỨNG NHẬN KẾT HÔN", font=title, fill=(200, 30, 30))
    page = np.asarray(img)
    assert (preprocess.suppress_stamps(page) == cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)).all()


def test_a_signatures_hairline_tail_washes_out_with_it():
    """The ink's hues are looked for only around what a quarter-size copy shows coloured: a one-pixel stroke,
    pale there, that runs on from a signature is that signature's and washes out all along."""
    img = Image.new("RGB", (2400, 1600), "white")
    draw = ImageDraw.Draw(img)
    blue = (80, 110, 220)  # a pale ballpoint: a quarter of a cell, the rest paper, is barely coloured
    for k in range(12):  # the signature: thick loops, a large mark
        draw.ellipse((900 + 20 * k, 600 + 8 * k, 1200 + 20 * k, 800 + 8 * k), outline=blue, width=5)
    draw.line((1400, 760, 1700, 760), fill=blue, width=1)  # its tail, one pixel high, 300 long
    assert preprocess.suppress_stamps(np.asarray(img)).min() >= 190


@pytest.mark.parametrize("angle", [-9.0, -4.2, -1.1, 0.7, 2.5, 7.5])
def test_deskew_recovers_known_angle(birth_page, angle):
    rotated = np.asarray(degrade(birth_page, angle=angle).convert("L"))
    assert preprocess.skew_angle(rotated) == pytest.approx(-angle, abs=0.3)


def _rotated_profile_angle(binary: np.ndarray, limit: float = 10.0) -> float:
    """The skew search done the slow way: the page rotated for every angle tried."""
    h, w = binary.shape

    def score(angle: float) -> float:
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        rows = cv2.warpAffine(binary, m, (w, h), flags=cv2.INTER_NEAREST).sum(axis=1, dtype=np.float64)
        return float(np.sum(np.diff(rows) ** 2))

    best = max(np.arange(-limit, limit + 1e-9, 0.5), key=score)
    return float(max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.05), key=score))


@pytest.mark.parametrize("angle", [-6.3, -2.0, 0.4, 3.3])
def test_strip_search_agrees_with_rotating_the_page(birth_page, angle):
    grey = np.asarray(degrade(birth_page, angle=angle).convert("L"))
    binary = preprocess.small_binary(grey)
    assert preprocess.skew_angle(grey, binary=binary) == pytest.approx(_rotated_profile_angle(binary), abs=0.15)


def test_small_skew_left_alone(birth_page):
    grey = np.asarray(birth_page.convert("L"))
    out, angle = preprocess.deskew(grey)
    assert angle == 0.0 and out is grey


def test_sideways_pages_are_turned(birth_page):
    grey = np.asarray(birth_page.convert("L"))
    assert not preprocess.is_sideways(grey)
    turned = np.ascontiguousarray(np.rot90(grey))  # 90° counter-clockwise
    assert preprocess.is_sideways(turned)
    upright, rotation, _ = preprocess.straightened(turned)
    assert rotation == 90 and upright.shape == grey.shape


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 90), w=st.integers(1, 90), span=st.integers(3, 60),
       density=st.sampled_from([0.5, 0.9, 0.97, 1.0]), vertical=st.booleans())
def test_line_opening_is_opencvs(seed, h, w, span, density, vertical):
    # Ink dense enough for long runs, some against the image's edges where the erosion counts outside as ink.
    rng = np.random.default_rng(seed)
    binary = np.where(rng.random((h, w)) < density, 255, 0).astype(np.uint8)
    kernel = np.ones((span, 1) if vertical else (1, span), np.uint8)
    want = cv2.morphologyEx(binary, cv2.MORPH_OPEN, kernel)
    assert np.array_equal(preprocess.line_opening(binary, span, vertical=vertical), want)


def test_line_opening_of_a_page_is_opencvs(birth_page):
    page = birth_page.convert("L")
    draw = ImageDraw.Draw(page)  # a table's rules, and a frame's short bits against the page's edges
    w, h = page.size
    for x in (w // 5, w // 2, w - 40):
        draw.line([(x, h // 3), (x, 2 * h // 3)], fill=0, width=3)
    draw.line([(0, 10), (w // 20, 10)], fill=0, width=2)
    draw.line([(w - 1, h - w // 20), (w - 1, h - 1)], fill=0, width=1)
    grey = np.array(page)
    binary = cv2.adaptiveThreshold(grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)
    span = grey.shape[1] // 16
    for vertical in (False, True):
        want = cv2.morphologyEx(binary, cv2.MORPH_OPEN, np.ones((span, 1) if vertical else (1, span), np.uint8))
        assert want.any()  # the form's rules are there to be kept
        assert np.array_equal(preprocess.line_opening(binary, span, vertical=vertical), want)


@pytest.mark.parametrize("paper", [225, 130])  # the table on bright paper, and in a dim part of the page
def test_a_rule_erased_leaves_no_edge_to_read_as_ink(paper):
    """The rule's place takes the paper's grey around it: where the page is dimmer than elsewhere (uneven light,
    a photocopy's shadow), the page's lightest grey made a bright stripe whose edges the binarised variant read
    as a double rule beside each cell's first word."""
    rng = np.random.default_rng(3)
    grey = np.clip(rng.normal(paper, 4, (900, 1400)), 0, 255).astype(np.uint8)
    grey[:, 700:] = np.clip(rng.normal(230, 4, (900, 700)), 0, 255)  # the rest of the page in brighter light
    grey[40:880, 300:304] = 40  # a table's vertical rule
    grey[100:104, 60:1340] = 40  # and a horizontal one
    for x in range(340, 640, 10):  # a word beside it: strokes
        grey[400:425, x:x + 3] = 40
    out, rules = preprocess.remove_rules(grey)
    assert rules.columns and rules.rows
    ink = preprocess.cleaned(out) == 0
    assert ink[403:422, 340:640:10].all()  # the word stays
    assert ink[150:850, 280:325].sum() < 20  # where the rule was: paper (a speck of the noise at most)


def test_a_black_and_white_scan_is_told_by_its_two_values():
    """A 1-bit scan (its stamps as black as print, so their frames are erased, ``ocr.page.prepare_marked``) is
    black and white alone; a clean render's white paper with letters' grey edges, or the scan saved as a JPEG, is
    not."""
    page = Image.new("L", (800, 600), 255)
    ImageDraw.Draw(page).text((40, 40), "UBND XÃ NHƯ QUỲNH", font=font("serif", 40), fill=0)
    assert not preprocess.two_valued(np.array(page))
    bitonal = page.convert("1")
    assert preprocess.two_valued(np.array(bitonal.convert("L")))
    assert preprocess.two_valued(preprocess.to_rgb_array(bitonal))
    buf = io.BytesIO()
    bitonal.convert("L").save(buf, "JPEG", quality=90)
    assert not preprocess.two_valued(np.array(Image.open(buf)))


def _letter_with_shaded_corner() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A black-and-white A4 letter (200 dpi) whose lower left corner a copier shaded: dots at 45% of the pixels,
    the list under it ("Nơi nhận:") printed through. Also the shading's and the print's masks."""
    page = Image.new("L", (1653, 2339), 255)
    draw = ImageDraw.Draw(page)
    for n in range(36):
        draw.text((150, 300 + n * 50), "Căn cứ Luật Hộ tịch ngày 20 tháng 11 năm 2014 của Quốc hội",
                  font=font("serif", 30), fill=0)
    print_mask = np.array(page) < 128
    shade = np.zeros(print_mask.shape, bool)
    shade[1500:2100, 100:800] = True
    dots = np.random.default_rng(7).random(shade.shape) < 0.45
    grey = np.where(print_mask | (shade & dots), 0, 255).astype(np.uint8)
    return grey, shade, print_mask


def test_a_copys_shading_is_blurred_back_to_grey_and_print_elsewhere_is_left_alone():
    grey, shade, print_mask = _letter_with_shaded_corner()
    out = preprocess.descreened(grey)
    inner = np.zeros_like(shade)
    inner[1550:2050, 150:750] = True  # (the shading's rim may be left: its squares are not all inked)
    shading_left = inner & ~cv2.dilate(print_mask.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert 60 < out[shading_left].mean() < 200 and out[shading_left].std() < 45  # dots made an even grey …
    assert out[inner & print_mask].mean() < out[shading_left].mean() - 40  # … the print through it darker still
    far = np.zeros_like(shade)
    far[:1350] = True  # a line and more away from the shading: the letter's own print is not touched
    assert np.array_equal(out[far], grey[far])


def test_a_seal_or_stamp_in_the_shading_is_left_as_it_is():
    grey, _, _ = _letter_with_shaded_corner()
    out = preprocess.descreened(grey, [(300, 1700, 300, 300)])  # a seal's box: its dense ink read on its own
    assert np.array_equal(out[1710:1990, 310:590], grey[1710:1990, 310:590])
    assert not np.array_equal(out[1550:1650, 150:750], grey[1550:1650, 150:750])


def test_a_page_of_print_has_no_shading_to_blur():
    _, _, print_mask = _letter_with_shaded_corner()
    clean = np.where(print_mask, 0, 255).astype(np.uint8)  # the same letter, not shaded
    assert preprocess.descreened(clean) is clean


@pytest.mark.parametrize("shape", [(1, 1), (1, 7), (7, 1), (10, 3000), (3000, 10)])
def test_descreening_takes_a_page_of_any_shape(shape):
    dots = np.zeros(shape, np.uint8)
    dots[::2, ::3] = 255
    assert preprocess.descreened(dots, [(0, 0, 1, 1)]).shape == shape
