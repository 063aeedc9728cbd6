"""A scan made on a dark backing (an automatic feeder's black plate, a document camera's table, an open lid): the
sheet cut out of it, as a phone photo's page is (ingest.photo). Left in, the backing's edge was read as letters and
a sheet laid askew left dark wedges that the rules and specks took for ink: the tuning pages on a black backing 3%
wider than the sheet read 503 edits against 243, cut out 275 (docs/benchmarks.md, accuracy, session 48)."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

# Every edge this dark all along (the outer 2% of the short side, 90% of it darker than grey 70): a backing. The
# generators' photocopies, the darkest edges a scan of paper has, are a quarter dark at most.
DARK = 70
DARK_SHARE = 0.9
_SMALL = 4  # the sheet is looked for on a copy this many times smaller


def on_backing(image: Image.Image) -> bool:
    """Only the four edges are looked at (every scan passes here: no grey copy of the whole page)."""
    w, h = image.size
    band = max(2, int(0.02 * min(h, w)))
    sides = ((0, 0, w, band), (0, h - band, w, h), (0, 0, band, h), (w - band, 0, w, h))
    return min(float((np.asarray(image.crop(box).convert("L")) < DARK).mean()) for box in sides) >= DARK_SHARE


def sheet(image: Image.Image) -> Image.Image:
    """``image`` cut to the sheet where it lies on a dark backing, what is left of the backing in the cut (a sheet
    laid askew) made the sheet's paper; any other image as it is."""
    if not on_backing(image):
        return image
    grey = np.asarray(image.convert("L"))
    h, w = grey.shape
    small = cv2.resize(grey, (max(1, w // _SMALL), max(1, h // _SMALL)), interpolation=cv2.INTER_AREA)
    contours, _ = cv2.findContours((small >= DARK).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return image
    mask = np.zeros_like(small)
    # the largest bright region, its holes (print, seals) filled, taken in a little so its dark rim goes too
    cv2.drawContours(mask, [max(contours, key=cv2.contourArea)], -1, 255, cv2.FILLED)
    mask = cv2.erode(mask, np.ones((5, 5), np.uint8))
    if cv2.countNonZero(mask) < 0.25 * mask.size:  # no sheet: a dark picture, not a backing
        return image
    inside = cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST) > 0
    x, y, bw, bh = cv2.boundingRect(inside.astype(np.uint8))
    pixels = np.array(image)
    pixels[~inside] = np.median(pixels[inside][::97], axis=0).astype(np.uint8)  # the sheet's paper
    out = Image.fromarray(np.ascontiguousarray(pixels[y:y + bh, x:x + bw]), image.mode)
    out.info = dict(image.info)
    return out
