"""Numbers and dates spelled out in Vietnamese, as civil-status forms write them ("ghi bằng chữ").

The spelling lives in domain.dates (one implementation for extraction and samples); its conventions, chosen to
match printed extracts under Circular 04/2020/TT-BTP:
- days 1–10 take "mồng": *Ngày mồng một tháng một năm hai nghìn không trăm linh năm*;
  days 11–31 do not: *Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám*;
- April is "tháng tư"; months 11 and 12 are "tháng mười một", "tháng mười hai";
- 1 after a tens word is "mốt" (hai mươi mốt), 5 after a tens word is "lăm" (mười lăm, hai mươi lăm),
  4 after "mươi" is "tư" (hai mươi tư) but stays "bốn" after "mười" (mười bốn);
- thousands are "nghìn", an empty tens place before a unit is "linh" (một nghìn chín trăm linh năm),
  an empty hundreds place inside a larger number is "không trăm" (hai nghìn không trăm hai mươi).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from domain.dates import DIGIT_WORDS as DIGITS
from domain.dates import MONTH_WORDS as MONTHS
from domain.dates import date_in_words as _date_in_words
from domain.dates import day_in_words, number_to_words

__all__ = ["DIGITS", "MONTHS", "date_in_words", "day_in_words", "decimal_in_words", "number_in_words"]


@lru_cache(maxsize=4096)
def number_in_words(n: int) -> str:
    """0 ≤ n < 10**9 in words (domain.dates.number_to_words, cached)."""
    return number_to_words(n)


@lru_cache(maxsize=65536)
def date_in_words(d: date) -> str:
    """date(1998, 3, 15) → "Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám" (domain.dates)."""
    return _date_in_words(d)


def decimal_in_words(value: float, places: int = 1) -> str:
    """120.5 → "một trăm hai mươi phẩy năm" (Vietnamese decimal comma is read "phẩy")."""
    whole, frac = f"{value:.{places}f}".split(".")
    frac = frac.rstrip("0")
    words = number_in_words(int(whole))
    if frac:
        words += " phẩy " + number_in_words(int(frac))
    return words
