"""Dates read without their slashes, read again alone.

On a bold photocopy a date's slashes touch its digits, and Tesseract reading the page drops them with a digit or
two ("16/12/2022" → "1612202", "04/12/2022" → "0412222"): no date, and a field a person must key. Read alone, as
one line (psm 7), the same word comes back whole. A word of digits and separators holding five to nine digits that
is no date (``domain.dates.parse_date``) is read again from the image read, and replaced only when what comes back
is a date whose digits hold the word's own, in order: digits are added where the page lost them, never changed,
and a number that is no date (an ID, a count) reads back as itself and stays. Every other word is left alone.

Two more shapes are mended: a date whose one separator was read as the 1 or 7 a slash looks like ("07/0172007",
"21704/2022"), where putting the separator back in place of exactly one such digit makes a date — by shape alone,
no read needed, no digit of the date changed; and a date of the right shape that cannot be (month 91, day 39),
whose read alone is a date of the same shape one digit apart ("24/91/2007" → "24/01/2007"): the first read is
known wrong there, and the second keeps the lower of the two reads' confidences, so the value goes to review.
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
from ocr.tidy import DATE_SHAPE, holds, separator_put_back
from ocr.words import Word

_SHAPE = re.compile(r"[\d/.\-]+")  # digits and a date's separators, nothing else
_DIGITS = (5, 9)  # a date has eight (or six, "1/2/1990"): a word of these counts may be one with digits lost
_PAD = 0.5  # of the word's height, around its box
_MOST = 20  # words a page, at most (each read is ≈ 10–20 ms)
_LEAST_TIME = 1.0  # seconds of the page's time limit the reads need
_TRAIL = ".,;:"  # a stop or comma after the word: not part of the date, kept after it


def broken(word: Word) -> bool:
    """A date that lost its separators or a digit: digits and separators only, five to nine digits, no date."""
    text = word.text.strip(_TRAIL)
    return bool(_SHAPE.fullmatch(text)) and _DIGITS[0] <= len(digits_only(text)) <= _DIGITS[1] \
        and parse_date(text) is None


def _one_digit_off(text: str, again: str) -> bool:
    """Is ``text`` a date's shape that is no date, and ``again`` one of the same shape, one digit other?"""
    if not (DATE_SHAPE.fullmatch(text) and DATE_SHAPE.fullmatch(again)) or len(text) != len(again):
        return False
    other = [i for i, (a, b) in enumerate(zip(text, again, strict=True)) if a != b]
    return len(other) == 1 and text[other[0]].isdigit() and again[other[0]].isdigit()


def mended(word: Word, again: str) -> bool:
    """Does ``again``, the word read alone, stand for it: a date that holds the word's digits in order, or, where
    the word cannot be a date (month 91), one of its shape one digit other?"""
    return parse_date(again) is not None and _SHAPE.fullmatch(again) is not None and (
        holds(digits_only(again), digits_only(word.text)) or _one_digit_off(word.text.rstrip(_TRAIL), again))


def reread_dates(img: np.ndarray, words: list[Word], lang: str, deadline: float, dpi: int) -> list[Word]:
    """``words`` (read from ``img``) with each broken date read again alone, and replaced where that mends it."""
    for word in [w for w in words if broken(w)][:_MOST]:
        text = word.text.rstrip(_TRAIL)
        if put_back := separator_put_back(text):
            word.text = put_back + word.text[len(text):]
            continue
        left = deadline - time.monotonic()
        if left < _LEAST_TIME:
            break
        pad = int(_PAD * word.height)
        y0, x0 = max(0, word.top - pad), max(0, word.left - pad)
        crop = img[y0:word.top + word.height + pad, x0:word.left + word.width + pad]
        try:
            read = run_tesseract(Image.fromarray(crop), lang=lang, timeout_s=left, want_pdf=False, dpi=dpi,
                                 psm=7).words
        except (OcrTimeout, PageFailed):
            break  # an extra: the page keeps what it read
        again = "".join(w.text for w in read)
        if read and mended(word, again):
            changed = not holds(digits_only(again), digits_only(word.text))
            word.text = again + word.text[len(word.text.rstrip(_TRAIL)):]
            word.conf = min([w.conf for w in read] + [word.conf] * changed)
    return words
