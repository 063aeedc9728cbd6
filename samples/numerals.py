"""Numbers and dates spelled out in Vietnamese, as civil-status forms write them ("ghi bằng chữ").

Conventions (chosen to match printed extracts under Circular 04/2020/TT-BTP; documented so tests can pin them):
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

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTHS = (
    "",
    "một",
    "hai",
    "ba",
    "tư",
    "năm",
    "sáu",
    "bảy",
    "tám",
    "chín",
    "mười",
    "mười một",
    "mười hai",
)


def _below_100(n: int) -> list[str]:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [DIGITS[unit]]
    words = ["mười"] if tens == 1 else [DIGITS[tens], "mươi"]
    if unit == 1 and tens > 1:
        words.append("mốt")
    elif unit == 4 and tens > 1:
        words.append("tư")
    elif unit == 5:
        words.append("lăm")
    elif unit:
        words.append(DIGITS[unit])
    return words


def _below_1000(n: int, full: bool) -> list[str]:
    """``full``: a higher group precedes, so an empty hundreds or tens place is spoken."""
    hundreds, rest = divmod(n, 100)
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if rest == 0:
        return words
    if rest < 10 and words:
        words += ["linh", DIGITS[rest]]
    else:
        words += _below_100(rest)
    return words


@lru_cache(maxsize=4096)
def number_in_words(n: int) -> str:
    """0 ≤ n < 10**9 in words: 1998 → "một nghìn chín trăm chín mươi tám", 2005 → "hai nghìn không trăm linh năm"."""
    if not 0 <= n < 10**9:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return DIGITS[0]
    words: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn")):
        group, n = divmod(n, scale)
        if group:
            words += _below_1000(group, full=bool(words)) + [name]
    if n:
        words += _below_1000(n, full=bool(words))
    return " ".join(words)


def day_in_words(day: int) -> str:
    return f"mồng {DIGITS[day] if day < 10 else 'mười'}" if day <= 10 else number_in_words(day)


@lru_cache(maxsize=65536)
def _date_words(year: int, month: int, day: int) -> str:
    return f"Ngày {day_in_words(day)} tháng {MONTHS[month]} năm {number_in_words(year)}"


def date_in_words(d: date) -> str:
    """date(1998, 3, 15) → "Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám"."""
    return _date_words(d.year, d.month, d.day)


def decimal_in_words(value: float, places: int = 1) -> str:
    """120.5 → "một trăm hai mươi phẩy năm" (Vietnamese decimal comma is read "phẩy")."""
    whole, frac = f"{value:.{places}f}".split(".")
    frac = frac.rstrip("0")
    words = number_in_words(int(whole))
    if frac:
        words += " phẩy " + number_in_words(int(frac))
    return words
