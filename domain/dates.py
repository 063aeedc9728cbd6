"""Dates as Vietnamese documents write them → ISO ``YYYY-MM-DD``.

Accepted: ``15/03/1998``, ``15-3-1998``, ``15.03.1998``, ``ngày 15 tháng 3 năm 1998`` and the same in words,
``Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám`` (with ``mồng/mùng``, ``mốt``, ``lăm``,
``tư``, ``linh/lẻ``, ``giêng``, ``chạp``). Words are compared folded (no diacritics), so OCR that dropped a
tone mark still parses; ``mười`` (ten) and ``mươi`` (×10) fold alike and are told apart by position.
"""
from __future__ import annotations

import datetime as dt
import re

from domain.text import fold

_DIGITS = {
    "khong": 0, "mot": 1, "mott": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "nham": 5,
    "sau": 6, "bay": 7, "tam": 8, "chin": 9,
}
_FILLERS = {"linh", "le", "mung", "mong"}
_MONTH_NAMES = {"gieng": 1, "chap": 12}
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{4})(?!\d)")
# ("ngày" itself may be lost or misread before the day: "naày 24 tháng 09 năm 2011" — the other two words
# between three numbers are the date)
_NUMERIC_WORDS = re.compile(
    r"(?<!\d)(\d{1,2})\s*(?:,\s*)?thang\s*(\d{1,2})\s*(?:,\s*)?nam\s*(\d{4})(?!\d)"
)
# Zero-padded day and month with a separator lost to OCR (a thin "/" is often dropped): "14122023", "05/012024".
_NUMERIC_RUN = re.compile(r"(?<!\d)(\d{2})[/\-.]?(\d{2})[/\-.]?(\d{4})(?![\d/.\-])")
_TOKEN = re.compile(r"[a-z]+|\d+")


def _iso(day: int, month: int, year: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def words_to_number(tokens: list[str]) -> int | None:
    """Folded Vietnamese number words → int (``hai muoi mot`` → 21, ``mot nghin chin tram`` → 1900).

    Digit-by-digit years (``mot chin chin tam`` → 1998) are accepted too. None when a token is not a number word.
    """
    tokens = [t for t in tokens if t not in ("mung", "mong")]
    if not tokens:
        return None
    if len(tokens) == 4 and all(t in _DIGITS for t in tokens):
        return int("".join(str(_DIGITS[t]) for t in tokens))
    total = group = 0
    digit: int | None = None
    seen = False
    for tok in tokens:
        if tok in _DIGITS:
            if digit is not None:  # two digits in a row without a multiplier: not a number
                return None
            digit = _DIGITS[tok]
        elif tok == "muoi":  # mươi after a digit (×10), otherwise mười (10)
            group += (digit * 10) if digit is not None else 10
            digit = None
        elif tok == "tram":
            group += (digit if digit is not None else 1) * 100
            digit = None
        elif tok in ("nghin", "ngan"):
            total += (group + (digit or 0) or 1) * 1000
            group, digit = 0, None
        elif tok in _FILLERS:
            continue
        else:
            return None
        seen = True
    return total + group + (digit or 0) if seen else None


def parse_date_words(text: str) -> str | None:
    """``Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám`` → ``1998-03-15``."""
    tokens = _TOKEN.findall(fold(text))
    if "ngay" in tokens:
        tokens = tokens[tokens.index("ngay") + 1 :]
    if "thang" not in tokens:
        return None
    split = tokens.index("thang")
    day = _number(tokens[:split])
    rest = tokens[split + 1 :]
    # "năm" is both the word "year" and the number five ("tháng năm năm hai nghìn" = May 2000): try each
    # "nam" as the year marker and keep the first split where month and year both make sense.
    for i, tok in enumerate(rest):
        if tok != "nam":
            continue
        month = _MONTH_NAMES.get(rest[0]) if i == 1 and rest[0] in _MONTH_NAMES else _number(rest[:i])
        year = _number(rest[i + 1 :])
        if day and month and year and 1 <= month <= 12 and year >= 1000:
            return _iso(day, month, year)
    return None


def _number(tokens: list[str]) -> int | None:
    if len(tokens) == 1 and tokens[0].isdigit():
        return int(tokens[0])
    return words_to_number(tokens)


_GAP = re.compile(r"(?<=\d) (?=\d)")


def closed_gaps(text: str) -> str:
    """``text`` with each space between two digits taken out: in a number, a misread gap ("1 0/4/2026")."""
    return _GAP.sub("", text)


def parse_date(text: str) -> str | None:
    """Any of the accepted spellings → ISO date, or None. Numbers are tried before words."""
    if not text:
        return None
    # U+2044 (fraction slash) is how OCR often reads a printed "/"; a space inside a number is a misread gap
    # ("1 0/4/2026") — unless closing it spoils a whole date ("14/01/2023 14/01/22023": a cell read twice).
    folded = fold(text).replace("\u2044", "/")
    for candidate in (closed_gaps(folded), folded):
        m = _NUMERIC.search(candidate) or _NUMERIC_WORDS.search(candidate) or _NUMERIC_RUN.search(candidate)
        if m:
            return _iso(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return parse_date_words(text)


def parse_year(text: str) -> str | None:
    m = re.search(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", text or "")
    return m.group(1) if m else None


# ---- writing dates in words ("ghi bằng chữ") ------------------------------------------------------------------
# One convention, the one printed on extracts under Circular 04/2020/TT-BTP, used by extraction checks and by
# the sample generator alike:
# - days 1–10 take "mồng" (Ngày mồng một …, Ngày mồng mười …); days 11–31 do not;
# - April is "tháng tư"; months 11 and 12 are "tháng mười một", "tháng mười hai";
# - 1 after a tens word is "mốt" (hai mươi mốt), 5 after any tens word is "lăm" (mười lăm, hai mươi lăm),
#   4 after "mươi" is "tư" (hai mươi tư) but stays "bốn" after "mười" (mười bốn);
# - thousands are "nghìn"; an empty tens place before a unit is "linh" (một nghìn chín trăm linh năm); an empty
#   hundreds place inside a larger number is "không trăm" (hai nghìn không trăm hai mươi).
DIGIT_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
MONTH_WORDS = ("", "một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai")


def _below_100(n: int) -> list[str]:
    tens, unit = divmod(n, 10)
    if tens == 0:
        return [DIGIT_WORDS[unit]]
    out = ["mười"] if tens == 1 else [DIGIT_WORDS[tens], "mươi"]
    if unit == 1 and tens > 1:
        out.append("mốt")
    elif unit == 4 and tens > 1:
        out.append("tư")
    elif unit == 5:
        out.append("lăm")
    elif unit:
        out.append(DIGIT_WORDS[unit])
    return out


def _below_1000(n: int, *, full: bool) -> list[str]:
    """``full``: a higher group precedes, so an empty hundreds or tens place is spoken."""
    hundreds, rest = divmod(n, 100)
    out: list[str] = []
    if hundreds or full:
        out += [DIGIT_WORDS[hundreds], "trăm"]
    if rest == 0:
        return out
    if rest < 10 and out:
        return out + ["linh", DIGIT_WORDS[rest]]
    return out + _below_100(rest)


def number_to_words(n: int) -> str:
    """0 ≤ n < 10⁹ in words: 1998 → một nghìn chín trăm chín mươi tám, 2005 → hai nghìn không trăm linh năm."""
    if not 0 <= n < 10**9:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return DIGIT_WORDS[0]
    out: list[str] = []
    for scale, name in ((10**6, "triệu"), (10**3, "nghìn")):
        group, n = divmod(n, scale)
        if group:
            out += _below_1000(group, full=bool(out)) + [name]
    if n:
        out += _below_1000(n, full=bool(out))
    return " ".join(out)


def day_in_words(day: int) -> str:
    return f"mồng {DIGIT_WORDS[day] if day < 10 else 'mười'}" if day <= 10 else number_to_words(day)


def date_in_words(value: dt.date | str) -> str:
    """``1998-03-15`` (or a ``date``) → ``Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám``."""
    d = value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
    return f"Ngày {day_in_words(d.day)} tháng {MONTH_WORDS[d.month]} năm {number_to_words(d.year)}"
