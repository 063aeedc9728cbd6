"""The document's number line (Decree 30/2020: "Số: 12/QĐ-UBND" under the issuing body), its label restored.

A receipt stamp's frame or the number a pen wrote into the blank crosses the label: "Số:" is read as junk ('"NG'
at 0.00) and dropped, while the code after it ("/QĐ-UBND") is read. A line of the page's top that opens with such
a code is the number line: "Số:" goes back before it, as wide as three of the code's letters, doubtful
(``SUPPLIED``); one read in capitals ("SỐ:") is written as the template prints it.

The code itself is known from the page: Decree 30 builds it from the kind's abbreviation (Appendix III: "QĐ" for
a decision under the title "QUYẾT ĐỊNH", none for a letter) and the issuing body's initials ("UBND" under "ỦY BAN
NHÂN DÂN", "STP" under "SỞ TƯ PHÁP"). Where the pen's number took the code ("Số:" alone, "Số; B-UBND", "BND",
"Số: '/QĐ-UBND") the line of the header's left column that shows the label or the code's end is rebuilt from them,
a number printed against the code kept; where nothing of the line was read, it is put under the body's name. Both
doubtful (``SUPPLIED``): a person checks them against the image (``number_code``). A ministry's department under the
ministry's name ("BỘ NỘI VỤ" / "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC") issues under a code of its own ("/KH-VTLTNN", not
the ministry's "BNV"), which the page does not give: its line is left as read, or put back as its label alone where
nothing of it was read (the ministries' papers of ``bench accuracy --ministry``). The pen's number, where Tesseract
read it as a line of its own under the number line ("8y", "13)", "/2": digits, or no syllable), goes from the text
and is kept as a handwriting mark, for a person to key (``pen_numbers``, as ``ocr.date_blanks`` does the date's).
"""
from __future__ import annotations

import re
from dataclasses import replace
from statistics import median

from rapidfuzz.distance import Levenshtein

from domain.text import fold
from ocr.correct import admin
from ocr.date_blanks import by_hand, set_aside
from ocr.heading import national_start
from ocr.marks import Mark
from ocr.record_type import LETTER, LETTER_SUBJECT, document_kind, opens_address
from ocr.titles import letter_key, spread
from ocr.words import SUPPLIED, Word, in_capitals, lines_of, page_text

# "/QĐ-UBND", "1658/KH-UBND", "41/UBND-KT", "/TB-STP": a number (or the blank) and the kind and body's letters
CODE = re.compile(r"\d*/[A-ZĐ]{2,8}(?:-[A-ZĐ0-9]{1,8}){0,3}[.,]?")
LABEL = "Số:"
SUBJECT = "V/v"  # a letter's subject opens so under its number (Decree 30/2020, Appendix I)
_TOP = 8  # lines from the page's top where a header's number line stands
_SUBJECT_TOP = _TOP + 4  # …and where a letter's subject may still stand, under it and a pen's lines
# Decree 30/2020, Appendix III: each kind's abbreviation in the code ("12/QĐ-UBND"); a letter's code has none
KIND_CODES = {
    "Nghị quyết": "NQ", "Quyết định": "QĐ", "Chỉ thị": "CT", "Quy chế": "QC", "Quy định": "QyĐ", "Thông cáo": "TC",
    "Thông báo": "TB", "Hướng dẫn": "HD", "Chương trình": "CTr", "Kế hoạch": "KH", "Phương án": "PA",
    "Đề án": "ĐA", "Dự án": "DA", "Báo cáo": "BC", "Biên bản": "BB", "Tờ trình": "TTr", "Hợp đồng": "HĐ",
    "Công điện": "CĐ", "Bản ghi nhớ": "BGN", "Bản thỏa thuận": "BTT", "Giấy ủy quyền": "GUQ", "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT", "Giấy nghỉ phép": "GNP", "Phiếu gửi": "PG", "Phiếu chuyển": "PC", "Phiếu báo": "PB",
    LETTER: "",
}
# A line read as printed: "Số: /QĐ-UBND", "Số: 41/UBND-KT", "Số: 30/2020/NĐ-CP"
_WELL_FORMED = re.compile(r"Số: \d*/(?:\d{4}/)?[A-ZĐ][A-Za-zĐ]*(?:-[A-ZĐ][A-Za-zĐ]*)*")
_LABEL_READ = re.compile(r"\W?[s5][o0][:;.,]")  # "Số:" folded, as a copy's specks read it


def number_line(words: list[Word]) -> list[Word]:
    """``words`` in reading order (lines numbered), the number line's label put back where it was lost."""
    lines = lines_of(words)
    for n, line in enumerate(lines[:_TOP]):
        first = line[0]
        if CODE.fullmatch(first.text):
            per_char = first.width / len(first.text)
            width = round(len(LABEL) * per_char)
            lines[n] = [replace(first, text=LABEL, conf=SUPPLIED, width=width,
                                left=max(0, round(first.left - width - per_char)))] + line
        elif first.text == LABEL.upper() and len(line) > 1 and CODE.fullmatch(line[1].text):
            first.text = LABEL
    return [w for line in lines for w in line]


def number_code(words: list[Word]) -> list[Word]:
    """``words`` in reading order after correction, the number line rebuilt from the page's kind and issuing body
    where it was read without its code or with the code garbled; left as read where either is not known."""
    lines = lines_of(words)
    edge = _heading_edge(lines[:_TOP])
    kind = KIND_CODES.get(document_kind(page_text(words), addressed=True) or "")
    if edge is None or kind is None:
        return words
    body, at, shown = None, None, []
    for n, line in enumerate(lines[:_TOP]):
        left = _left(line, edge)
        named = _body_code(left)
        if named is not None:
            body, at = named, n
        elif body not in (None, *_COUNCILS) and at == n - 1 and _organ(left):
            body, at = None, n  # the issuer is an organ under the body ("CỤC …" under "BỘ NỘI VỤ"): its code unknown
        elif n and left:
            text = " ".join(w.text for w in left)
            if _WELL_FORMED.fullmatch(text):
                if not _one_off(text, kind, body):
                    return words
                shown = [(0, n, text, body, left)]  # the number line, found
                break
            if how := _shows_number(left, body):
                shown.append((-how, n, text, body, left))
    for _, n, text, body, left in sorted(shown, key=lambda s: s[:2]):  # a label read first, then a code's end
        code = _code(text, kind, body)
        if code is not None:
            rebuilt = [replace(w, conf=min(w.conf, SUPPLIED)) for w in spread(code, _room(code, left))]
            lines[n] = rebuilt + [w for w in lines[n] if all(w is not v for v in left)]
            return [w for line in lines for w in line]
    if not shown and at is not None:  # (an organ's code unknown: its label alone, which Decree 30 always prints)
        _insert(lines, at, edge, LABEL if body is None else f"{LABEL} /{_made(kind, body)}")
    return [w for line in lines for w in line]


def subject_label(words: list[Word]) -> list[Word]:
    """``words`` in reading order after ``number_code``, a letter's "V/v" put back before its subject where no line
    of the page's top holds it: the first line under the number line in the header's left column (Decree 30 prints
    the letter's summary there, opened by "V/v"). A word that is the label one letter off ("/v", "V/y") becomes it;
    else the label goes before the line's first word, doubtful both ways."""
    lines = lines_of(words)
    edge = _heading_edge(lines[:_TOP])
    if edge is None or document_kind(page_text(words), addressed=True) != LETTER:
        return words
    if any(LETTER_SUBJECT.match(" ".join(w.text for w in line)) for line in lines[:_SUBJECT_TOP]):
        return words
    for n, line in enumerate(lines[:_TOP - 1]):
        if _WELL_FORMED.fullmatch(" ".join(w.text for w in _left(line, edge))):
            # (past the lines a pen's number was read as, which pen_numbers takes out at the page's end)
            below = next((b for b in lines[n + 1:_SUBJECT_TOP] if not all(by_hand(w) for w in b)), [])
            if not below or _left(below, edge) != below or opens_address([w.text for w in below]):
                return words  # under the number line, the national name's column, or the letter's addressees
            first = below[0]
            if len(first.text) <= 3 and Levenshtein.distance(first.text.casefold(), "v/v") <= 1:
                below[0] = replace(first, text=SUBJECT, conf=min(first.conf, SUPPLIED))
            else:
                per_char = _per_char(below)
                width = round(len(SUBJECT) * per_char)
                below.insert(0, replace(first, text=SUBJECT, conf=SUPPLIED, width=width,
                                        left=max(0, round(first.left - width - per_char))))
            break
    return [w for line in lines for w in line]


def pen_numbers(words: list[Word]) -> tuple[list[Word], list[Mark]]:
    """``words`` less the lines right under the header's number line that a pen's number was read as (each word a
    number, or letters that are no syllable), and those words' boxes as handwriting marks."""
    lines = lines_of(words)
    edge = _heading_edge(lines[:_TOP])
    if edge is None:
        return words, []
    written: list[Word] = []
    for n, line in enumerate(lines[:_TOP]):
        if _WELL_FORMED.fullmatch(" ".join(w.text for w in _left(line, edge))):
            for below in lines[n + 1:_TOP]:
                left = _left(below, edge)
                if not left or not all(by_hand(w) for w in left):
                    break
                written += left
            break
    return set_aside(words, written)


def _left(line: list[Word], edge: int) -> list[Word]:
    """The line's words in the header's left column."""
    return [w for w in line if w.left + w.width / 2 < edge]


def _insert(lines: list[list[Word]], at: int, edge: int, code: str) -> None:
    """Nothing of the number line read: it goes under the body's block (and under the body's unit, "XÃ VIỆT AN"
    under "ỦY BAN NHÂN DÂN"), centred on the body's name, doubtful; the lines after it are numbered on."""
    name = _left(lines[at], edge)
    under = at + 1 if at + 1 < len(lines) and _unit(_left(lines[at + 1], edge)) else at
    last = _left(lines[under], edge)
    right = max(w.left + w.width for w in name)
    width, height = round(_per_char(name) * len(code)), round(median(w.height for w in last))
    top = max(w.top for w in last) + 2 * height
    box = Word(code, SUPPLIED, round((name[0].left + right - width) / 2), top, width, height, last[0].block, 0)
    lines.insert(under + 1, [replace(w, conf=SUPPLIED) for w in spread(code, [box])])
    for n, line in enumerate(lines):
        for w in line:
            w.line = n


def _unit(line: list[Word]) -> bool:
    """A body's unit under its name: a line of capitals ("XÃ VIỆT AN", "PHƯỜNG 3") that names no body."""
    letters = [c for w in line for c in w.text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.7 * len(letters) and _body_code(line) is None


# How a unit's line under its body's name opens ("XÃ VIỆT AN", "TỈNH AN GIANG", "THÀNH PHỐ HUẾ"), folded
_UNIT_TYPES = ("xa", "phuong", "thi", "dac", "huyen", "quan", "thanh", "tinh", "tp")
# A People's Committee's or Council's name is followed by its unit's, never by an organ's: "NHƯ QUỲNH" (its "XÃ" lost),
# "XÃ.ĐÂN HÓA" are the unit's
_COUNCILS = ("UBND", "HĐND")


def _organ(line: list[Word]) -> bool:
    """An organ's name under its governing body's (a line that names no body), in capitals, that is no unit of
    it: a ministry's department ("BỘ NỘI VỤ" / "CỤC VĂN THƯ VÀ LƯU TRỮ NHÀ NƯỚC") issues under a code of its own
    ("/KH-VTLTNN"), not the body's initials ("BNV", which Decree 30 gives the ministry's own papers)."""
    if len(line) < 2 or not in_capitals(" ".join(w.text for w in line)):
        return False
    return "".join(ch for ch in fold(line[0].text) if ch.isalpha()) not in _UNIT_TYPES  # (a speck's stop after it)


def _made(kind: str, body: str) -> str:
    """The code Decree 30 makes of the kind's abbreviation and the body's initials ("QĐ-UBND"; a letter's "UBND")."""
    return f"{kind}-{body}" if kind else body


def _heading_edge(lines: list[list[Word]]) -> int | None:
    """Where the national name starts: the header's right column, right of the number line."""
    found = national_start(lines)
    return lines[found[0]][found[1]].left if found else None


def _body_code(line: list[Word]) -> str | None:
    """The initials of the issuing body this line names ("ỦY BAN NHÂN DÂN": "UBND"), None for another line. (A speck
    read after it as "ˆ", a letter to Python, is no word of it.)"""
    words = [w.text for w in line if any(ch.isascii() and ch.isalnum() for ch in fold(w.text))]
    return _BODY_CODES.get(letter_key(" ".join(words))) if words else None


def _initials(name: str) -> str:
    return "".join("Đ" if w[0] in "Đđ" else fold(w[0]).upper() for w in name.split() if w.isalpha() and w != "và")


# The bodies whose code is their initials by custom; others ("Mặt trận Tổ quốc Việt Nam": "MTTQ") are read
_INITIALLED = ("Ủy ban nhân dân", "Hội đồng nhân dân", "Sở ", "Bộ ", "Phòng ", "Văn phòng Chính phủ")
_BODY_CODES = {letter_key(b): _initials(b) for b in admin.BODIES
               if b.startswith(_INITIALLED) and "-" not in b and not b.startswith("Bộ phận")}


def _shows_number(left: list[Word], body: str | None) -> int:
    """How the line shows a number line: 2 by its label ("Số:", "SỐ.", "5ố:", "SỐ"; not "SỞ"), 1 by its code's end
    alone ("B-UBND", "BND"), 0 not at all."""
    if _LABEL_READ.fullmatch(fold(left[0].text)) or left[0].text in ("Số", "SỐ"):
        return 2
    tail = re.sub(r"[^A-Z]", "", fold(left[-1].text).upper())
    wanted = fold(body or "").upper()
    return int(len(left) <= 2 and len(tail) >= 3 and len(wanted) >= 3
               and Levenshtein.distance(tail[-len(wanted):], wanted) <= 1)


def _one_off(text: str, kind: str, body: str | None) -> bool:
    """Is a line read as printed one letter off the code the page makes ("Số: /UEND" for "/UBND")? One further off
    is another code ("41/UBND-KT", "/QĐ-UBND" on a page whose title was misread) and stays."""
    if body is None:
        return False
    made, read = _made(kind, body), text.rsplit("/", 1)[1]
    return read != made and not read.startswith(made + "-") and Levenshtein.distance(read, made) <= 1


def _code(text: str, kind: str, body: str | None) -> str | None:
    """The number line the page's kind and body make: the number kept where it is printed against the code
    ("1445/KH", a letter's "41UBND"; a pen's number stands apart, "2 /QĐ"), and a letter's unit after its body."""
    if body is None:
        read = re.search(r"-\s*([A-ZĐ]{2,})\W*$", text)  # a body not known by name: its initials as read
        if read is None:
            return None
        body = read.group(1)
    number = re.search(rf"(\d+)(?:/|{re.escape(kind or body)})", text)
    unit = re.search(re.escape(body) + r"(-[A-ZĐ]{1,6})", text)
    tail = _made(kind, body) if kind else body + (unit.group(1) if unit else "")
    return f"{LABEL} {number.group(1) if number else ''}/{tail}"


def _room(code: str, span: list[Word]) -> list[Word]:
    """The span, widened where only the label was read: the code took the room right of it."""
    wanted = span[0].left + round(_per_char(span) * len(code))
    if wanted <= max(w.left + w.width for w in span):
        return span
    last = span[-1]
    return span[:-1] + [replace(last, width=wanted - last.left)]


def _per_char(span: list[Word]) -> float:
    """The width a character of the span's text takes on the page, spaces included."""
    return (max(w.left + w.width for w in span) - span[0].left) / max(1, len(" ".join(w.text for w in span)))
