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
