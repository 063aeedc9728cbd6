"""A page's levels set before its marks are looked for (preprocess.levelled): at half its contrast a page's receipt
stamp was no longer found by its colour, and its words were read as text; yellowed paper made white again, and an
evenly lit page's dim paper."""
import cv2
import numpy as np
import pytest

from ocr import marks, preprocess
from ocr.page import prepare_marked
from tests.conftest import shared_data


def _faded(pixels: np.ndarray) -> np.ndarray:
    return (255 - (255 - pixels.astype(np.int32)) // 2).astype(np.uint8)


def test_a_faded_page_gets_black_print_white_paper_and_its_colours_back():
    page = np.full((200, 300, 3), 250, np.uint8)
    page[40:60, 20:280] = 10  # print
    page[100:140, 100:200] = (200, 30, 40)  # a red stamp
    out = preprocess.levelled(_faded(page))
    assert out[50, 50].max() <= 5 and out[10, 10].min() >= 250
    r, g, b = (int(v) for v in out[120, 150])
    assert r > 150 and g < 60 and b < 70  # red again, as strong as the fresh stamp


def test_yellowed_paper_is_made_white_its_print_and_stamp_kept():
    page = np.full((200, 300, 3), (236, 216, 161), np.uint8)  # aged paper: blue dimmed most
    page[40:60, 20:280] = (12, 11, 8)
    page[100:140, 100:200] = (190, 26, 28)  # a red stamp on it
    out = preprocess.levelled(page)
    assert out[10, 10].min() >= 250  # white paper
    assert out[50, 50].max() <= 20
    r, g, b = (int(v) for v in out[120, 150])
    assert r > 150 and g < 60 and b < 70


def test_a_yellowed_copys_shaded_paper_loses_its_tint_not_its_darkness():
    """A photocopy's paper is a shaded grey; yellowed, it was made white channel by channel as an evenly lit page's
    is, and its grey print paled with it (gains of 1.7–2.4): the left header's summary under a receipt stamp was
    lost. Its tint goes; its darkness, which the binarised read divides out, stays."""
    grey = np.linspace(110, 200, 300)[None, :] * np.ones((400, 1))  # a copy's toner shading
    grey[40:60, 20:280] = 70  # grey print
    page = (grey[..., None] * np.array([1.0, 0.92, 0.73])).astype(np.uint8)
    assert preprocess.unevenness(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)) > preprocess.UNEVEN_ABOVE
    out = preprocess.levelled(page)
    paper = out[200, 150].astype(int)
    assert paper.max() - paper.min() <= 3  # the tint gone
    assert paper.max() <= page[200, 150].max() + 2  # no brighter
    assert out[50, 150].max() <= 72  # the print as dark as it was


def test_paper_tinted_as_the_generators_tint_it_is_left_as_it_is():
    page = np.full((200, 300, 3), (224, 210, 193), np.uint8)  # the most tinted paper of their pages
    page[40:60, 20:280] = 20
    assert preprocess.levelled(page) is page


def test_an_evenly_lit_page_on_dim_paper_is_made_white_a_shaded_copy_is_not():
    page = np.full((400, 300), 186, np.uint8)  # a weak lamp: paper a quarter darker, evenly
    page[40:60, 20:280] = 8
    out = preprocess.levelled(page)
    assert out[10, 10] >= 250 and out[50, 50] <= 5
    shaded = (np.linspace(110, 230, 300)[None, :] * np.ones((400, 1))).astype(np.uint8)  # a copy's toner shading
    shaded[40:60, 20:280] = 8
    assert preprocess.unevenness(shaded) > preprocess.UNEVEN_ABOVE
    assert preprocess.levelled(shaded) is shaded  # read binarised first, its background divided out there


def test_a_page_with_dark_print_or_none_is_left_as_it_is():
    page = np.full((200, 300), 245, np.uint8)
    page[40:60, 20:280] = 40
    assert preprocess.levelled(page) is page
    blank = np.random.default_rng(1).normal(240, 3, (200, 300)).clip(0, 255).astype(np.uint8)
    assert preprocess.levelled(blank) is blank
    faded = _faded(blank)
    assert preprocess.levelled(faded) is faded  # its noise is no print to stretch


def test_a_faded_official_page_has_its_receipt_stamp_found():
    from bench.accuracy import _office_scan, _rescanned
    from samples.official import official_pages

    page = next(official_pages(1, 14, "office", shared_data("prose"), start=2))  # tuning seed: a stamp and a seal
    faded = _rescanned(_office_scan(page.image), "faded")
    found = prepare_marked(faded)[3]
    assert {marks.STAMP, marks.SEAL} <= {m.kind for m in found}


@pytest.mark.parametrize("kind", ["black and white", "grey", "all paper", "all ink",
                                  "a grey pixel among black and white"])
def test_a_pages_histogram_is_opencvs(kind):
    """A black-and-white page's levels are counted, not histogrammed: the counts are OpenCV's histogram's."""
    rng = np.random.default_rng(7)
    page = {"black and white": np.where(rng.random((120, 90)) < 0.1, 0, 255),
            "grey": rng.integers(0, 256, (120, 90)),
            "all paper": np.full((120, 90), 255),
            "all ink": np.zeros((120, 90)),
            "a grey pixel among black and white": np.where(np.arange(120 * 90).reshape(120, 90) == 77, 128,
                                                           np.where(rng.random((120, 90)) < 0.1, 0, 255))}[kind]
    page = page.astype(np.uint8)
    expected = cv2.calcHist([page], [0], None, [256], [0, 256]).ravel()
    got = preprocess._histogram(page, 0)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
