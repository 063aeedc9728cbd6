"""Dates read without their slashes, read again alone (ocr/broken_dates.py): on a drawn row of a register's cells
read by Tesseract, with a date's word replaced by what a bold photocopy's read made of it."""
from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image, ImageDraw

from ocr.broken_dates import broken, mended, reread_dates
from ocr.tesseract import run_tesseract
from ocr.tidy import separator_put_back
from ocr.words import Word
from samples.fonts import font

ROW = ["NGUYỄN", "VĂN", "LỢI", "16/12/2022", "012345678", "Kinh"]


@pytest.fixture(scope="module")
def row() -> tuple[np.ndarray, list[Word]]:
    img = Image.new("L", (1300, 120), 255)
    ImageDraw.Draw(img).text((40, 40), "   ".join(ROW), font=font("serif", 34), fill=15)
    words = run_tesseract(img, lang="vie", timeout_s=60, want_pdf=False, dpi=200, psm=7).words
    assert [w.text for w in words] == ROW  # drawn plainly, Tesseract reads it whole
    return np.array(img), words


def _as_read(words: list[Word], text: str, as_read: str) -> list[Word]:
    out = [Word(w.text, w.conf, w.left, w.top, w.width, w.height, w.block, w.line) for w in words]
    for w in out:
        if w.text == text:
            w.text, w.conf = as_read, 0.63
    return out


def test_a_date_that_lost_its_slashes_and_a_digit_is_read_again_whole(row):
    img, words = row
    out = reread_dates(img, _as_read(words, "16/12/2022", "1612202"), "vie", time.monotonic() + 60, 200)
    assert [w.text for w in out] == ROW
    assert out[3].conf > 0.63


def test_a_number_that_is_no_date_stays_as_read(row):
    img, words = row
    out = reread_dates(img, _as_read(words, "012345678", "01234567"), "vie", time.monotonic() + 60, 200)
    assert out[4].text == "01234567"  # read back as nine digits, no date: a digit is never put in by shape alone


def test_a_read_that_is_another_date_does_not_replace_the_word():
    word = Word("1712202", 0.6, 0, 0, 100, 30, 1, 0)
    assert broken(word)
    assert not mended(word, "16/12/2022")  # its digits are not the word's, in order
    assert mended(word, "17/12/2022")


def test_only_numbers_of_a_date_s_length_that_are_no_date_are_read_again():
    for text in ("1612202", "0412222", "16/12/202", "161220229"):
        assert broken(Word(text, 0.6, 0, 0, 100, 30, 1, 0)), text
    for text in ("16/12/2022", "16122022", "2022", "062222475898", "Kinh", "12/01"):
        assert not broken(Word(text, 0.6, 0, 0, 100, 30, 1, 0)), text


def test_no_time_left_no_read(row):
    img, words = row
    out = reread_dates(img, _as_read(words, "16/12/2022", "1612202"), "vie", time.monotonic() + 0.5, 200)
    assert out[3].text == "1612202"


def test_a_separator_read_as_the_digit_a_slash_looks_like_is_put_back():
    assert separator_put_back("07/0172007") == "07/01/2007"
    assert separator_put_back("21704/2022") == "21/04/2022"
    assert separator_put_back("1/172007") == "1/1/2007"
    # A digit that no separator could have been, or two ways to read it, or no separator to copy: left alone.
    for text in ("2948/1993", "01/61/2007", "0172007", "16/12/2022", "1712/2022"):
        assert separator_put_back(text) is None, text


def test_a_separator_read_as_a_digit_is_put_back_without_a_second_read(row, monkeypatch):
    img, words = row
    read = []
    monkeypatch.setattr("ocr.broken_dates.run_tesseract", lambda image, **k: read.append(image.size) or
                        run_tesseract(image, **k))
    out = reread_dates(img, _as_read(words, "16/12/2022", "16/1272022,"), "vie", time.monotonic() + 60, 200)
    assert out[3].text == "16/12/2022," and out[3].conf == 0.63  # the digits as read: as sure as before
    assert len(read) == 1  # the ID's nine digits only (read back as themselves)


def test_a_date_that_cannot_be_is_replaced_by_a_read_one_digit_other():
    word = Word("24/91/2007", 0.7, 0, 0, 100, 30, 1, 0)
    assert broken(word)  # month 91
    assert mended(word, "24/01/2007")
    assert not mended(word, "24/01/2008")  # two digits other: another date
    assert not mended(word, "24/1/2007")  # another shape


def test_a_digit_read_again_other_keeps_the_lower_confidence(row):
    img, words = row
    out = reread_dates(img, _as_read(words, "16/12/2022", "16/42/2022"), "vie", time.monotonic() + 60, 200)
    assert out[3].text == "16/12/2022" and out[3].conf == 0.63  # month 42 read again: to be checked by a person
