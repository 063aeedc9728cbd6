"""Dates read without their slashes, read again alone.

On a bold photocopy a date's slashes touch its digits, and Tesseract reading the page drops them with a digit or
two ("16/12/2022" → "1612202", "04/12/2022" → "0412222"): no date, and a field a person must key. Read alone, as
one line (psm 7), the same word comes back whole. A word of digits and separators holding five to nine digits that
is no date (``domain.dates.parse_date``) is read again from the image read, and replaced only when what comes back
is a date whose digits hold the word's own, in order: digits are added where the page lost them, never changed,
and a number that is no date (an ID, a count) reads back as itself and stays. Every other word is left alone.
"""
from __future__ import annotations

import re
import time

import numpy as np
from PIL import Image

from domain.dates import parse_date
from domain.errors import OcrTimeout, PageFailed
from domain.personal_id import digits_only
from ocr.tesseract import run_tesseract
from ocr.words import Word, parse_tsv

_SHAPE = re.compile(r"[\d/.\-]+")  # digits and a date's separators, nothing else
_DIGITS = (5, 9)  # a date has eight (or six, "1/2/1990"): a word of these counts may be one with digits lost
_PAD = 0.5  # of the word's height, around its box
_MOST = 20  # words a page, at most (each read is ≈ 10–20 ms)
_LEAST_TIME = 1.0  # seconds of the page's time limit the reads need
_TRAIL = ".,;:"  # a stop or comma after the word: not part of the date, kept after it


def _holds(whole: str, part: str) -> bool:
    """Are ``part``'s digits ``whole``'s, in order, with some left out?"""
    rest = iter(whole)
    return all(ch in rest for ch in part)


def broken(word: Word) -> bool:
    """A date that lost its separators or a digit: digits and separators only, five to nine digits, no date."""
    text = word.text.strip(_TRAIL)
    return bool(_SHAPE.fullmatch(text)) and _DIGITS[0] <= len(digits_only(text)) <= _DIGITS[1] \
        and parse_date(text) is None


def mended(word: Word, again: str) -> bool:
    """Does ``again``, the word read alone, stand for it: a date that holds the word's digits in order?"""
    return parse_date(again) is not None and _SHAPE.fullmatch(again) is not None \
        and _holds(digits_only(again), digits_only(word.text))


def reread_dates(img: np.ndarray, words: list[Word], lang: str, deadline: float, dpi: int) -> list[Word]:
    """``words`` (read from ``img``) with each broken date read again alone, and replaced where that mends it."""
    for word in [w for w in words if broken(w)][:_MOST]:
        left = deadline - time.monotonic()
        if left < _LEAST_TIME:
            break
        pad = int(_PAD * word.height)
        y0, x0 = max(0, word.top - pad), max(0, word.left - pad)
        crop = img[y0:word.top + word.height + pad, x0:word.left + word.width + pad]
        try:
            read = parse_tsv(run_tesseract(Image.fromarray(crop), lang=lang, timeout_s=left, want_pdf=False,
                                           dpi=dpi, psm=7).tsv)
        except (OcrTimeout, PageFailed):
            break  # an extra: the page keeps what it read
        again = "".join(w.text for w in read)
        if read and mended(word, again):
            word.text = again + word.text[len(word.text.rstrip(_TRAIL)):]
            word.conf = min(w.conf for w in read)
    return words
