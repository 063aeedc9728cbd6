import numpy as np
import pytest
from ocr_render import SERIF, add_stamp, degrade, render_birth
from PIL import Image, ImageDraw, ImageFont

from ocr import preprocess


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


@pytest.mark.parametrize("angle", [-4.2, -1.1, 0.7, 2.5])
def test_deskew_recovers_known_angle(birth_page, angle):
    rotated = np.asarray(degrade(birth_page, angle=angle).convert("L"))
    assert preprocess.skew_angle(rotated) == pytest.approx(-angle, abs=0.3)


def test_small_skew_left_alone(birth_page):
    grey = np.asarray(birth_page.convert("L"))
    out, angle = preprocess.deskew(grey)
    assert angle == 0.0 and out is grey


def test_sideways_pages_are_turned(birth_page):
    grey = np.asarray(birth_page.convert("L"))
    assert not preprocess.is_sideways(grey)
    turned = np.ascontiguousarray(np.rot90(grey))  # 90° counter-clockwise
    assert preprocess.is_sideways(turned)
    upright, rotation = preprocess.orient(turned)
    assert rotation == 90 and upright.shape == grey.shape
