"""Opt-in second read of a poor page's doubtful text lines (``Settings.ocr_reread_lines``, off by default).

The lines to re-read are cropped tightly (0.15 of a line's height around its words) from the image that was read,
stacked one under another into one image, and read by ONE Tesseract run (``--psm 6``: a uniform block of text);
Tesseract's start-up alone costs ~0.12× of a poor page's plain read, so one run per line costs far more for less.
The words read are mapped back to page coordinates by the band they fall in, their garbage dropped and their
diacritics post-corrected as in the first read (``ocr.page._read``), then merged word by word: a re-read word (or
group of words) replaces the first read's word it overlaps when it is at least ``MARGIN`` more confident.

Measured on generated poor forms: field precision 72.4% → 78.9% in the experiment (seeds 1000–1003, one page per
type; docs/accuracy.md, "Re-reading low-confidence lines") and 75.6% → 79.0% here
(``python -m bench accuracy --reread --seed 1000``, three pages per type); time ≈1.6× → 2.1–2.2× plain Tesseract
(+0.4–0.5 s a poor page), past the 1.5× default target: hence opt-in.
Moderate and clean pages (grey variant, ≥ 0.9) are not re-read: same text and fields with the setting on.
"""
from __future__ import annotations

import time
from dataclasses import replace
from statistics import median

import numpy as np
from PIL import Image

from domain.errors import OcrTimeout, PageFailed
from ocr.correct import correct_words
from ocr.layout import is_garbage
from ocr.tesseract import run_tesseract
from ocr.words import Word, lines_of, mean_confidence, page_text

# Lines whose mean word confidence is below this are re-read (clean lines read ≥ 0.9).
LINE_BELOW = 0.9
# A page is re-read when it was read in its binarised variant (poor photocopies, shadows) or read poorly.
PAGE_BELOW = 0.80
# A re-read word must beat the word it replaces by this much.
MARGIN = 0.1
# Crop padding around a line's words and gap between stacked lines, in median word heights.
PAD = 0.15
GAP = 1.0
SIDE = 20  # white margin (pixels) left and right of the stack
PSM = 6
# The re-read is skipped unless at least this much of the page's time limit is left (seconds), and at least as
# much as the page has taken so far (the stack is smaller than the page it comes from).
MIN_LEFT_S = 2.0


def wanted(variant: str, confidence: float) -> bool:
    """Is a page read this way worth a second read of its doubtful lines? Clean and moderately degraded pages
    read in their grey variant at ≥ 0.9 and are left alone."""
    return variant == "otsu" or confidence < PAGE_BELOW


def doubtful_lines(words: list[Word]) -> list[list[Word]]:
    return [ln for ln in lines_of(words) if mean_confidence(ln) < LINE_BELOW]


def _overlap(a: Word, b: Word) -> int:
    return min(a.left + a.width, b.left + b.width) - max(a.left, b.left)


def merge_line(old: list[Word], new: list[Word], margin: float = MARGIN) -> list[Word]:
    """One line: each first-read word, or the re-read words overlapping it horizontally (by more than half the
    narrower box) when their mean confidence beats it by ``margin`` and they carry at least half its letters."""
    merged: list[Word] = []
    taken: set[int] = set()
    for w in old:
        group = [v for v in new if _overlap(w, v) > 0.5 * min(w.width, v.width)]
        if group and mean_confidence(group) > w.conf + margin \
                and sum(len(v.text) for v in group) >= 0.5 * len(w.text):
            for v in group:
                if id(v) not in taken:
                    taken.add(id(v))
                    merged.append(v)
        else:
            merged.append(w)
    return merged


Band = tuple[int, int, int, int]  # a stacked line: (x0, y0) of its crop in the page, (y0, y1) of its band


def stack(image: np.ndarray, lines: list[list[Word]], height: float) -> tuple[np.ndarray, list[Band]]:
    """The lines' crops stacked on white; per line (x0, y0) of its crop in the page and its band (y0, y1) in the
    stack."""
    pad = int(PAD * height)
    boxes = [(min(w.left for w in ln) - pad, min(w.top for w in ln) - pad,
              max(w.left + w.width for w in ln) + pad, max(w.top + w.height for w in ln) + pad) for ln in lines]
    return stack_boxes(image, boxes, max(1, int(GAP * height)))


def stack_boxes(image: np.ndarray, boxes: list[tuple[int, int, int, int]], gap: int) -> tuple[np.ndarray, list[Band]]:
    """``stack`` of the boxes (x0, y0, x1, y1; cut to the image), ``gap`` pixels apart."""
    crops, places = [], []
    for x0, y0, x1, y1 in boxes:
        x0, y0 = max(0, x0), max(0, y0)
        crops.append(image[y0:min(image.shape[0], y1), x0:min(image.shape[1], x1)])
        places.append((x0, y0))
    width = max(c.shape[1] for c in crops) + 2 * SIDE
    out = np.full((sum(c.shape[0] for c in crops) + gap * (len(crops) + 1), width), 255, np.uint8)
    y, where = gap, []
    for c, (x0, y0) in zip(crops, places, strict=True):
        out[y:y + c.shape[0], SIDE:SIDE + c.shape[1]] = c
        where.append((x0, y0, y, y + c.shape[0]))
        y += c.shape[0] + gap
    return out, where


def place(words: list[Word], where: list[Band], gap: float) -> list[list[Word]]:
    """Words read from the stack → per stacked line, in page coordinates (a word belongs to the band its centre
    falls in, half a gap either side)."""
    per: list[list[Word]] = [[] for _ in where]
    for w in words:
        cy = w.top + w.height / 2
        k = next((k for k, (_, _, b0, b1) in enumerate(where) if b0 - gap / 2 <= cy < b1 + gap / 2), None)
        if k is None:
            continue
        x0, y0, b0, _ = where[k]
        w.left, w.top = x0 + w.left - SIDE, y0 + w.top - b0
        per[k].append(w)
    return per


def reread_lines(page, image: np.ndarray, lang: str, deadline: float, dpi: int, started: float):
    """``page`` (an ``ocr.page.PageOcr`` read from ``image``) with its doubtful lines re-read and merged; the page
    itself when nothing is to re-read, time is short, or the re-read fails. ``started``: when the page's OCR
    began (``time.monotonic()``)."""
    lines = doubtful_lines(page.words)
    left = deadline - time.monotonic()
    if not lines or left < max(MIN_LEFT_S, time.monotonic() - started):
        return page
    height = median(w.height for w in page.words)
    img, where = stack(np.asarray(image, dtype=np.uint8), lines, height)
    try:
        out = run_tesseract(Image.fromarray(img), lang=lang, timeout_s=left - 0.5, psm=PSM, want_pdf=False, dpi=dpi)
    except (OcrTimeout, PageFailed):
        return page
    per = place(out.words, where, max(1, int(GAP * height)))
    replaced: dict[int, list[Word]] = {}
    for ln, new in zip(lines, per, strict=True):
        new = sorted((w for w in new if not is_garbage(w, height)), key=lambda w: w.left)
        if not new:
            continue
        for w in new:
            w.line, w.block = ln[0].line, ln[0].block
        correct_words(new)
        replaced[ln[0].line] = merge_line(ln, new)
    if not replaced:
        return page
    words = [w for ln in lines_of(page.words) for w in replaced.get(ln[0].line, ln)]
    # The page's confidence moves by as much as its words' did (it also counts the garbage the first read
    # dropped, so it is not recomputed from the words).
    confidence = min(1.0, page.confidence + mean_confidence(words) - mean_confidence(page.words))
    return replace(page, words=words, text=page_text(words), confidence=confidence)
