"""``ocr.components``: OpenCV's default labelling's very output, faster."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.components import components


@pytest.mark.parametrize("connectivity", [4, 8])
@pytest.mark.parametrize("seed", range(4))
def test_the_same_components_as_opencvs_default(seed, connectivity):
    rng = np.random.default_rng(seed)
    page = np.zeros((700, 500), np.uint8)
    for _ in range(400):  # letters, specks, rules and blots, touching each other here and there
        x, y = int(rng.integers(0, 500)), int(rng.integers(0, 700))
        w, h = (int(v) for v in rng.integers(1, (60, 25)))
        cv2.rectangle(page, (x, y), (x + w, y + h), 1, int(rng.choice([-1, 1, 2])))
    page[rng.random(page.shape) < 0.01] = 1
    expected = cv2.connectedComponentsWithStats(page, connectivity=connectivity)
    got = components(page, connectivity)
    assert got[0] == expected[0]
    for a, b in zip(got[1:], expected[1:], strict=True):
        np.testing.assert_array_equal(a, b)
