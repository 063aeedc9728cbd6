"""Connected components with their boxes, areas and centres, as ``cv2.connectedComponentsWithStats`` gives them,
by Grana's block-based algorithm (BBDT): on one thread, as a worker runs OpenCV, OpenCV's default for 8-connectivity
(Spaghetti) takes twice as long once the stats are asked for (82 against 40 ms on a 300-dpi page). Labels are
16-bit where they fit: most of the time goes on writing the labels image and reading it back for the stats, and
half the bytes halve it (12 → 6 ms on a 200-dpi page; docs/benchmarks.md, session 63). Same labels in the same order,
same stats (``tests/ocr/test_components.py``)."""
from __future__ import annotations

import cv2
import numpy as np


def components(binary: np.ndarray, connectivity: int = 8) -> tuple[int, np.ndarray, np.ndarray, np.ndarray]:
    """Count (the background included), labels, stats and centres of ``binary``'s non-zero pixels."""
    try:
        return cv2.connectedComponentsWithStatsWithAlgorithm(binary, connectivity, cv2.CV_16U, cv2.CCL_GRANA)
    except cv2.error:  # 65,535 labels or more (a page of noise): OpenCV stops and says so, nothing is wrapped
        return cv2.connectedComponentsWithStatsWithAlgorithm(binary, connectivity, cv2.CV_32S, cv2.CCL_GRANA)


def band_stats(binary: np.ndarray, vertical: bool = False) -> np.ndarray:
    """The stats (left, top, width, height, area) of ``binary``'s components, the background left out, in no set
    order: found band by band, a band being consecutive rows (columns, if ``vertical``) that hold ink. No
    component crosses a line of paper, so they are the whole image's. On a sparse image (a page's long straight
    strokes) the bands are a small part of it: 1–7 ms against 12 for the whole 200-dpi page, which is mostly the
    labels image written and read back (docs/benchmarks.md, session 65)."""
    lines = np.flatnonzero(binary.any(axis=0 if vertical else 1))
    if not lines.size:
        return np.zeros((0, 5), np.int32)
    cuts = np.flatnonzero(np.diff(lines) > 1)
    out = []
    for start, end in zip(lines[np.r_[0, cuts + 1]].tolist(), (lines[np.r_[cuts, -1]] + 1).tolist(), strict=True):
        band = np.ascontiguousarray(binary[:, start:end]) if vertical else binary[start:end]
        n, _, stats, _ = components(band)
        stats = stats[1:n].astype(np.int32, copy=True)
        stats[:, cv2.CC_STAT_LEFT if vertical else cv2.CC_STAT_TOP] += start
        out.append(stats)
    return np.concatenate(out)
