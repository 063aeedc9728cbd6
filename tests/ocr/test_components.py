"""``ocr.components``: OpenCV's default labelling's very output, faster."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from ocr.components import band_stats, components


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


def test_more_labels_than_sixteen_bits_hold():
    """A page of noise has more components than 16-bit labels number: they are all labelled all the same."""
    page = np.zeros((600, 600), np.uint8)
    page[::2, ::2] = 1  # 90,000 separate dots
    expected = cv2.connectedComponentsWithStats(page, connectivity=8)
    got = components(page)
    assert got[0] == expected[0] == 90_001
    np.testing.assert_array_equal(got[1], expected[1])
    np.testing.assert_array_equal(got[2], expected[2])


@pytest.mark.parametrize("vertical", [False, True])
@pytest.mark.parametrize("seed", range(4))
def test_band_stats_are_the_whole_images(seed, vertical):
    """Found band by band between lines of paper, the components' stats are those of the whole image: strokes
    in a few bands, some touching across a band's rows, one at the image's edge."""
    rng = np.random.default_rng(seed)
    page = np.zeros((700, 500), np.uint8)
    for _ in range(60):
        x, y = int(rng.integers(0, 500)), int(rng.integers(0, 700))
        w, h = (int(v) for v in rng.integers(1, (90, 8)))
        cv2.rectangle(page, (x, y), (x + w, y + h), 255, -1)
    page[300:310, -1] = 255
    page = page.T.copy() if vertical else page
    lines = np.flatnonzero(page.any(axis=0 if vertical else 1))
    assert np.count_nonzero(np.diff(lines) > 1) >= 5  # bands apart, not one
    n, _, stats, _ = cv2.connectedComponentsWithStats(page, connectivity=8)
    got = band_stats(page, vertical)
    assert got.shape == (n - 1, 5)
    assert sorted(map(tuple, got.tolist())) == sorted(map(tuple, stats[1:].tolist()))


def test_band_stats_of_a_blank_image():
    assert band_stats(np.zeros((30, 40), np.uint8)).shape == (0, 5)
