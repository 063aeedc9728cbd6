"""What language cannot correct but shape can: numbers and dates split by a stray space, words run into a
number, and the slashed abbreviation "Đ/c" (đồng chí) read as a word.

Digits are never changed here. A known word run into a number is cut from it ("năm2026" → "năm 2026"); spaces
between digit runs are taken out only where the shape leaves one reading: "1 0/4/2026" (a day 0 does not
exist) → "10/4/2026"; "10/4/20 26" → "10/4/2026"; "ngày 1 0 tháng" → "ngày 10 tháng"; "năm 20 26" → "năm
2026"; a percentage's decimal comma, small enough to be lost or read as a space, is put back: "63 7%", "7, 6%" →
"63,7%", "7,6%" (Vietnamese writes a decimal comma; no percentage is written as two numbers). "1 5/4/2026" stays:
"5/4/2026" is a date too, so the space may be real. Each rule has a test in
tests/ocr/test_correct_shapes.py.
"""
from __future__ import annotations

import re
from datetime import date

from ocr.correct import admin

_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_TAIL = re.compile(r"[,.;:)]*$")
_UNIT_BOUNDS = {"ngày": (1, 31, 2), "tháng": (1, 12, 2), "năm": (1880, 2100, 4)}  # (low, high, digits)
# A percentage's decimal comma lost or read apart: a whole part of at most 100, then one decimal and "%" (not two:
# "5 10%" may be a range whose dash was lost).
_WHOLE, _PERCENT = re.compile(r"\d{1,3},?"), re.compile(r"\d%")
_DC = re.compile(r"^[ĐD][/ịíìỉĩi1l|]c$")
_SIGNING_FOR = frozenset(mark.rstrip(".") for mark in admin.AUTHORITY_MARKS)  # "TM", "KT", "TL", "TUQ"


def _valid_date(text: str) -> bool:
    m = _DATE.match(text)
    if not m:
        return False
    try:
        date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return False
    return True


def is_date(token: str) -> bool:
    """A whole day/month/year date, its closing punctuation aside ("12/01/2026,")."""
    return _valid_date(_core(token)[0])


def _core(token: str) -> tuple[str, str]:
    tail = _TAIL.search(token).group(0)  # type: ignore[union-attr]
    return token[: len(token) - len(tail)] if tail else token, tail


def _glue(a: str, b: str, before: str | None) -> str | None:
    """What joins ``a`` and ``b`` (neighbouring tokens) where they are one number or date cut by a space: nothing,
    or the decimal comma a percentage lost ("63 7%", "7, 6%": "63,7%", "7,6%"); None where they are two."""
    b_core, _ = _core(b)
    if _PERCENT.fullmatch(b_core) and _WHOLE.fullmatch(a) and int(a.rstrip(",")) <= 100:
        return ","
    if _TAIL.search(a).group(0):  # type: ignore[union-attr]
        return None  # "4, 2026": punctuation says two tokens
    joined = a + b_core
    if not (a[:1].isdigit() or a[:1] == "/") or not (b_core[-1:].isdigit()):
        return None
    if _valid_date(joined):
        # The date must not read as well with the space: "1 5/4/2026" may be "1" and a date.
        return "" if not _valid_date(b_core) and not _valid_date(a) else None
    if before in _UNIT_BOUNDS and a.isdigit() and b_core.isdigit():
        low, high, digits = _UNIT_BOUNDS[before]
        return "" if len(joined) == digits and low <= int(joined) <= high and len(a) < digits else None
    return None


def join_points(tokens: list[str]) -> dict[int, str]:
    """Indices ``i`` where token ``i + 1`` belongs joined to token ``i`` (left to right, chains allowed), and what
    goes between them (``_glue``)."""
    out: dict[int, str] = {}
    merged = list(tokens)
    for i in range(len(tokens) - 1):
        start = i
        while start in out:  # the left part may already be a join of earlier tokens
            start -= 1
        left = "".join(merged[start:i + 1])
        before = tokens[start - 1].lower() if start > 0 else None
        joiner = _glue(left, tokens[i + 1], before)
        if joiner is not None:
            out[i] = joiner
    return out


def joined(a: str, b: str, joiner: str) -> str:
    """``a`` and ``b`` as one token, ``joiner`` between them (a decimal comma replaces the one read)."""
    return (a.rstrip(",") if joiner else a) + joiner + b


def join_numbers(tokens: list[str]) -> list[str]:
    """``tokens`` with the split numbers and dates rejoined."""
    points = join_points(tokens)
    out: list[str] = []
    for i, t in enumerate(tokens):
        if i - 1 in points:
            out[-1] = joined(out[-1], t, points[i - 1])
        else:
            out.append(t)
    return out


_WORD_THEN_NUMBER = re.compile(r"^([^\W\d_]{2,})(\d+[,.;:]?)$")
_MARK_THEN_TITLE = re.compile(rf"^(?:{'|'.join(sorted(_SIGNING_FOR))})\.(?=[^\W\d_])")  # "TM.ỦY": cut after "."


def split_points(tokens: list[str], known) -> dict[int, int]:
    """Token index → where to cut it: a known word run into a number ("năm2026" → "năm" "2026", "Thôn2"). Only
    a word not in capitals (short capital codes run into digits are serial numbers: "CH14374", "BE595000"). And
    a signer's authority mark run into the title after it ("TM.ỦY" → "TM." "ỦY"): glued, the title's first word
    lost its context, and "TM.ỦY BAN" was corrected to "BẠN"."""
    out = {}
    for i, t in enumerate(tokens):
        m = _WORD_THEN_NUMBER.match(t)
        if m and not m.group(1).isupper() and known(m.group(1).lower()):
            out[i] = len(m.group(1))
        elif (m := _MARK_THEN_TITLE.match(t)) and t[m.end():].isupper():
            out[i] = m.end()
    return out


def fix_abbreviations(tokens: list[str]) -> list[str]:
    """"Địc Chủ tịch" → "Đ/c Chủ tịch": a token shaped like Đ/c whose slash was read as a letter (no Vietnamese
    word is spelled so: "ic" is no rhyme), before a capitalised word. "Đ/c" itself, "V/v", "K/g" are never touched.
    "TM, ỦY BAN NHÂN DÂN" → "TM. ỦY BAN NHÂN DÂN": the signer's "on behalf of" marks (Decree 30/2020: TM., KT.,
    TL., TUQ.) end with a point, read as a comma or colon off a speck or a copy's worn stroke, before capitals."""
    out = list(tokens)
    for i, t in enumerate(tokens[:-1]):
        core, tail = _core(t)
        if core != "Đ/c" and _DC.match(core) and tokens[i + 1][:1].isupper():
            out[i] = "Đ/c" + tail
        elif t[:-1] in _SIGNING_FOR and t[-1] in ",:;" and tokens[i + 1].isupper():
            out[i] = t[:-1] + "."
    return out
