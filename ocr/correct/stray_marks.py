"""Toner specks read as punctuation on a word: "nhân-dân", "của.doanh", "'thực", "-đầu", "trong. năm".

A photocopy's specks sit between and before letters, and Tesseract reads them as a hyphen, a point or an
apostrophe joined to the word. Vietnamese writes each syllable apart and never joins two lowercase syllables with
such a mark, nor opens a lowercase word with one, nor ends a sentence before a lowercase word. So, on a line:

1. Two known syllables joined by a hyphen, point, underscore, apostrophe, backtick, star, degree sign or double
   quote, the second lowercase, are two words ("nhân-dân" → "nhân dân", "UBND-phường" → "UBND phường", "trong°dự",
   "tổ"dân");
   "Tày-Thái" and "Bà Rịa-Vũng Tàu" (capitals both sides) stay. So are a known lowercase syllable and a number
   joined so ("tháng.04", "số-123/2015/NĐ-CP", "năm'*2026"): "Q.1" (quận 1) and "COVID-19" are no such syllable;
   a number and a lowercase syllable ("2026.đến"); and two known syllables of two letters or more joined by
   anything but a hyphen, the second capitalised ("của.Trưởng", "NGHĨA.VIỆT", "Duy.Hải": "TP.Huế" and "Q.Bình"
   are abbreviations). A comma, colon or semicolon with a letter right after it lost its space and is kept
   ("gửi:Ủy" → "gửi: Ủy", "Châu,ngày" → "Châu, ngày", "VT,VHXH." → "VT, VHXH.", "Thôn7,xã" → "Thôn7, xã"; three
   run together are cut twice, "Lưu:VT,TP." → "Lưu: VT, TP."; a
   decimal comma or a time stands between digits); a speck after it goes where it stands between two such syllables
   or before a code in capitals ("Lưu:'VT," → "Lưu: VT,"). An ellipsis is written ("điện...và"), never a speck.
   Where the point was a sentence's own and only its space was lost ("hang.Ánh", a slip of the corpora's
   typing), "hang Ánh" is as far from "hang. Ánh" as "hang.Ánh" is.
2. A known syllable opened by an apostrophe, backtick, point, underscore, tilde, plus, circumflex, low quote or
   colon loses it ("'thực" → "thực", "'Trong" → "Trong", ":hiện"); by a hyphen only when lowercase ("-đầu" →
   "đầu"; "-Như trên" is a list's dash). One closed by an apostrophe or backtick, or a code in capitals, loses it
   too ("Văn'", "VT.'" → "VT."): Vietnamese closes no word with one ("Carnot'" is no syllable and stays). A
   quotation in single quotes keeps both ("'phá cách'": words opened and closed by one, a few words apart).
3. A known syllable's closing point before a lowercase word goes ("của. doanh"; capitalised too, "Tuy. nhiên",
   "Chính. phủ": no sentence opens in lower case), on the line or across a wrapped line's end ("… có.⏎ nhiều":
   ``unstopped``, called for a line that runs on); a lowercase one's before a whole date too ("ngày. 12/01/2026":
   no sentence opens with a date, and a document writes "ngày" before it). A single letter's point stays (a
   name's initial, "Văn A."), and one in capitals ("TP.").

4. A word closed by two points ("khóc..", "2025..") is closed by one: a speck beside its point. Vietnamese prints
   one point or the three of an ellipsis, never two (6 of Tatoeba's 31,292 sentences, all typing slips).
5. A known syllable closed by "z." or "/." ("nàyz.", "này/.") closes a document's body with Decree 30's "./.",
   its slash read with a point as a "z" or its first point lost: no syllable ends in "z", and a slash closes a word
   nowhere else. (The correction had read "nàyz." as "này.".)

Double quotes, colons and commas are otherwise left: each has its lowercase uses ("“đổi mới”", "gồm: các", "nếu,
có"; ",Quảng" is a comma that lost its space).
The marks removed carry no letters, so nothing a person could key is lost; the rules run before the diacritics'
model, which then sees the two syllables as neighbours. Tests: tests/ocr/test_correct_stray_marks.py.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ocr.correct.shapes import is_date
from ocr.words import Word

_JOINED = re.compile(r"^([^\W\d_]+)([-._'`*°\"“”„]+)([^\W\d_]+|\d[\w/.,\-]*)([^\w]*)$")
_NUMBER_JOINED = re.compile(r"^(\d+)(?:\.|[_'`*°]+)([^\W\d_]{2,})([^\w]*)$")
_SPACE_LOST = re.compile(r"^([^\w]*[^\W_]+)([,;:])([-._'`*°]*)([^\W\d_]+)([^\w]*|[,;:][^\W\d_]\S*)$")
_OPENED = re.compile(r"^([-'`._~+ˆ„:]+)([^\W\d_]+)([^\w]*)$")
_QUOTED = 8  # words from one opened by a single quote to one closed by one: a quotation ('phá cách')
_CLOSED_APOSTROPHE = re.compile(r"^([^\W\d_]+[.,:;]?)['`]$")
_CLOSED = re.compile(r"^([^\W\d_]+)\.$")
_DOUBLED = re.compile(r"^.*[^\W_]\.\.$")  # a letter's or digit's two points (not an ellipsis's three)
_BODY_END = re.compile(r"^([^\W\d_]+)(?:z|/)\.$")  # Decree 30's "./." misread (rule 5)


def _syllable(word: str, known: Callable[[str], bool]) -> bool:
    return known(word.lower())


def _lower_start(text: str) -> bool:
    return text[:1].isalpha() and text[:1].islower()


def _titled(text: str) -> bool:
    """A capitalised word of two letters or more: "Tuy", not "A" nor "TP"."""
    return len(text) > 1 and text[0].isupper() and text[1:].islower()


def unspecked(line: list[Word], known: Callable[[str], bool], born: dict[int, list[Word]]) -> list[Word]:
    """The line's words with specks read as punctuation taken off (texts changed in place); a word cut in two
    by rule 1 gives two words, the box shared by characters, recorded in ``born`` by the word's id."""
    out: list[Word] = []
    # A word opened by a single quote and one closed by one a few words after it make a quotation: both stay.
    opened = [k for k, w in enumerate(line) if w.text[:1] in "'‘"]
    closed = [k for k, w in enumerate(line) if w.text.rstrip(".,:;!?)")[-1:] in "'’"]
    quoted = {k for o in opened for c in closed if 0 <= c - o <= _QUOTED for k in (o, c)}
    for k, w in enumerate(line):
        if k in quoted:
            out.append(w)
            continue
        if cut := _cut(w.text, known):
            parts = [w]
            while cut:  # the word's right part may be cut again
                rest, (left, right) = parts.pop(), cut
                right_width = round(rest.width * len(right) / len(rest.text))  # the marks' share: neither part's
                parts += [replace(rest, text=left, width=round(rest.width * len(left) / len(rest.text))),
                          replace(rest, text=right, left=rest.left + rest.width - right_width, width=right_width)]
                cut = _cut(right, known)
            born[id(w)] = parts
            out += parts
            continue
        if (m := _OPENED.match(w.text)) and _syllable(m.group(2), known) \
                and (m.group(1) != "-" or _lower_start(m.group(2))):
            w.text = m.group(2) + m.group(3)
        if _DOUBLED.match(w.text):
            w.text = w.text[:-1]
        if (m := _BODY_END.match(w.text)) and _syllable(m.group(1), known):
            w.text = m.group(1) + "./."
        if (m := _CLOSED_APOSTROPHE.match(w.text)) and (_syllable(core := m.group(1).rstrip(".,:;"), known)
                                                        or _code(core)):
            w.text = m.group(1)
        out.append(w)
    for w, nxt in zip(out, out[1:], strict=False):
        unstopped(w, nxt, known)
    return out


def _cut(text: str, known: Callable[[str], bool]) -> tuple[str, str] | None:
    """The two words ``text`` is, where rule 1 cuts it: the speck left out, a comma's, colon's or semicolon's
    kept on the first."""
    if (m := _JOINED.match(text)) and ".." not in m.group(2):  # (an ellipsis is written: "điện...và")
        first, marks, second, end = m.groups()
        if _lower_start(second) and _syllable(second, known) \
                and (_syllable(first, known) or _code(first)) \
                or second[0].isdigit() and _lower_start(first) and _syllable(first, known) \
                or "-" not in marks and second[0].isupper() and _two_syllables(first, second, known):
            return first, second + end
    if (m := _NUMBER_JOINED.match(text)) and _lower_start(m.group(2)) and _syllable(m.group(2), known):
        return m.group(1), m.group(2) + m.group(3)
    if (m := _SPACE_LOST.match(text)) and ".." not in text:
        first, mark, specks, second, end = m.groups()
        if not specks or _two_syllables(first, second, known) or len(first) > 1 and _syllable(first, known) \
                and _code(second):
            return first + mark, second + end
    return None


def _code(text: str) -> bool:
    """An office's or a document kind's code in capitals ("VT", "UBND"), no syllable."""
    return len(text) > 1 and text.isupper()


def _two_syllables(first: str, second: str, known: Callable[[str], bool]) -> bool:
    """Two known syllables of two letters or more ("Q.Bình" is a district, "TP.Huế" a city: no such pair)."""
    return len(first) > 1 and len(second) > 1 and _syllable(first, known) and _syllable(second, known)


def unstopped(w: Word, nxt: Word, known: Callable[[str], bool]) -> None:
    """Rule 3: ``w``'s closing point goes where ``w`` is a known syllable, lowercase or capitalised, and ``nxt``,
    the word read after it (on its line, or opening the line a wrapped line runs on to), opens lowercase (or, after
    a lowercase one, is a date)."""
    if (m := _CLOSED.match(w.text)) and _syllable(m.group(1), known) \
            and (_lower_start(m.group(1)) and (_lower_start(nxt.text) or is_date(nxt.text))
                 or _titled(m.group(1)) and _lower_start(nxt.text)):
        w.text = m.group(1)
