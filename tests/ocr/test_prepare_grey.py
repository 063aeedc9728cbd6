"""A grey scan skips the colour work (no RGB copy, no seal washing): what it prepares for Tesseract is exactly what
its RGB copy would give."""
from __future__ import annotations

import numpy as np
import pytest
from ocr_render import degrade, render_birth

from ocr.page import prepare_marked


@pytest.mark.parametrize("angle", [0.0, 1.7])
def test_grey_scan_prepares_as_its_rgb_copy(angle):
    grey = degrade(render_birth().image, angle=angle, noise=6, seed=3).convert("L")
    got, want = prepare_marked(grey), prepare_marked(grey.convert("RGB"))
    assert np.array_equal(got[0], want[0])
    assert got[1:] == want[1:]  # rotation, rules, marks, angle
