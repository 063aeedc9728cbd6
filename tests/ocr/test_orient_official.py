"""The sideways check on photocopies skewed between the angles it used to try (preprocess.is_sideways): two
held-out official pages, skewed about 1.5° under heavy shading, were read turned by 90° — as nothing at all."""
import cv2
import numpy as np
import pytest

from ocr import preprocess
from tests.conftest import shared_data


@pytest.mark.parametrize("k", [1, 9])
def test_shaded_photocopy_skewed_between_steps_is_upright(k):
    from bench.accuracy import _office_scan
    from samples.official import official_pages

    page = next(official_pages(1, 1414, "office", shared_data("prose"), start=k))
    assert page.level == "poor"
    grey = np.array(_office_scan(page.image).convert("L"))
    assert not preprocess.is_sideways(grey)
    assert preprocess.is_sideways(cv2.rotate(grey, cv2.ROTATE_90_CLOCKWISE))
