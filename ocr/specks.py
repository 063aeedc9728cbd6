"""Toner specks off a binarised page (``preprocess.cleaned``): a photocopy scatters dots of toner over the page,
and Tesseract reads those beside a word as punctuation ("hòa.giai", "quyết.") and those between lines as stray
words; the median filter before binarisation takes off only the finest of them.

A speck is told from the marks that belong to the text by size and place, both measured against the page's
text height (so the rule holds at any resolution): small (under ``SMALL`` of the text height across), about as
wide as tall (a dash or a rule's stub is long), and with no letter within ``NEAR`` of the text height — an
accent, the dot of an i, a dot below, a full stop or a comma always sits that close to its letter.
"""
from __future__ import annotations

import cv2
import numpy as np

from ocr.components import components

SMALL = 0.4  # a speck's box is smaller than this share of the text height both ways
NEAR = 0.6  # a mark this close to a letter (× text height) is an accent, a dot or punctuation
LONG = 2.0  # a mark this many times longer than it is thick is a dash or a stroke's piece, not a speck


def text_height(heights: np.ndarray) -> float:
    """The page's letter height in pixels: the median height of the marks at least a quarter as tall as the
    tallest ones (the 95th percentile), which leaves out specks, dots and accents however many there are."""
    if not heights.size:
        return 0.0
    tall = heights[heights >= np.percentile(heights, 95) / 4]
    return float(np.median(tall))


def despeckle(binary: np.ndarray) -> np.ndarray:
    """``binary`` (0 ink, 255 paper) with its toner specks turned to paper; everything else as it was."""
    ink = cv2.bitwise_not(binary)
    n, labels, stats, centres = components(ink, connectivity=8)
    if n <= 2:
        return binary
    w, h = stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT]
    height = text_height(h)
    if height <= 0:
        return binary
    small = (np.maximum(w, h) < SMALL * height) & (np.maximum(w, h) <= LONG * np.minimum(w, h))
    if not small.any():
        return binary
    letters = np.zeros(n, dtype=np.uint8)
    letters[1:] = ~small
    reach = max(1, int(round(NEAR * height)))
    # Where a letter is within reach (a square: near enough to the circle at this size, and a fast dilation).
    zone = cv2.dilate(letters[labels], np.ones((2 * reach + 1, 2 * reach + 1), np.uint8))
    ids = np.flatnonzero(small) + 1
    cx = np.clip(np.rint(centres[ids, 0]).astype(int), 0, binary.shape[1] - 1)
    cy = np.clip(np.rint(centres[ids, 1]).astype(int), 0, binary.shape[0] - 1)
    out = binary.copy()
    for k in ids[zone[cy, cx] == 0].tolist():
        x, y, bw, bh = stats[k, :4]
        box = out[y:y + bh, x:x + bw]
        box[labels[y:y + bh, x:x + bw] == k] = 255
    return out
