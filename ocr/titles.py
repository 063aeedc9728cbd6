"""A signer's title lines read through a seal, taken whole from the closed set of titles.

Decree 30/2020 prints the signer's authority and title in capitals above the signature ("TM. ỦY BAN NHÂN DÂN",
"KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), and the seal goes over their left part. On a photocopy the seal is as dark as
print: what is left of its rings and lettering crosses the title's letters, and the crop read again
(``ocr.under_seal``) comes back as "KT.CHW TỊCH", "HỘ CHL TỊCH", "ƑMẸKY BẠN NHÂN DÂN", or with every letter right
and no confidence ("TM. ỦY BAN(0.01) NHÂN(0.01)"): below the bar, so the title is lost. Per word the letters are
too few to correct; per line they are plenty, and the lines are a small closed set (``ocr.correct.admin``).

A line of capitals read there whose letters (marks, case and punctuation aside) are within a quarter of a title
line's letters, and nearer to it than to any other by a letter at least, is that title: its words replace the
line's, spread over its box, as sure as ``SURE``. The set holds the bodies' names bare too, so that "ỦY BAN NHÂN
DÂN" is itself and never gains a "TM." it does not print. Junk at the line's ends (a ring's remains, "`", "$")
is left out of the letters; a word of two capitals or more is not, so "HỘ CHL TỊCH" is "PHÓ CHỦ TỊCH" and not
"CHỦ TỊCH".

A deputy signs for the head ("KT.", ký thay): the line under "KT. CHỦ TỊCH" is "PHÓ CHỦ TỊCH" ("THỨ TRƯỞNG" under
"KT. BỘ TRƯỞNG"), never the head's title again; and the chair signs for a People's Committee or Council: "CHỦ
TỊCH" under "TM. ỦY BAN NHÂN DÂN". Where the star or the ring of a seal took a title's first word ("KT. CHỦ
TỊCH⏎CHỦ TỊCH", "ỦY BAN NHÂN DÂN⏎TỊCH": "PHÓ" read as "go" at 0.0 under the star), the line is that title: the
words it lacks go before it, as wide as its letters, doubtful (``SUPPLIED``).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from statistics import median

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from domain.text import fold
from ocr.correct import admin
from ocr.tidy import UNIT_WORDS
from ocr.words import SUPPLIED, Word, lines_of

SURE = 0.9  # a title matched is this sure (before the seal's cap of ``under_seal._DOUBTFUL``)
_NEAR = 0.25  # letters that may differ, as a share of the title's
_CAPITALS = 0.7  # a title line's letters are capitals at least this much
_LEAST = 5  # letters a line needs to be matched: "CHỦ" alone is no title line
_JUNK = 0.4  # a word read less surely at a line's end may be a seal's (``marks.set_aside``'s bar on a seal)


def letter_key(text: str) -> str:
    """A line's letters alone, folded: what is compared with a closed set of lines."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


@cache
def title_lines() -> tuple[list[str], list[str]]:
    """The title lines a signer block prints, in capitals, and their keys (letters only)."""
    lines = {b.upper() for b in admin.BODIES}
    lines |= {f"TM. {b.upper()}" for b in admin.COLLECTIVE}
    lines |= {t.upper() for t in admin.TITLES}
    lines |= {f"{mark} {t.upper()}" for mark in admin.AUTHORITY_MARKS[1:] for t in admin.TITLES}
    ordered = sorted(lines)
    return ordered, [letter_key(t) for t in ordered]


def _word_like(text: str) -> bool:
    """Two capitals or more, and no more small letters: part of a title, however misread ("An", "dỦ": junk)."""
    up = sum(ch.isupper() for ch in text)
    return up >= 2 and up >= sum(ch.islower() for ch in text)


def title_of(texts: list[str]) -> str | None:
    """The title line the words of ``texts`` (one line, as read) spell, if one does surely."""
    return nearest_line(texts, *title_lines(), least=_LEAST)


def nearest_line(texts: list[str], lines: list[str], keys: list[str], *, least: int,
                 marked: list[str] | None = None) -> str | None:
    """The line of a closed set (``lines``, their ``letter_key``s) that the words of ``texts`` (one line, as read,
    ``least`` letters at least, in capitals) spell surely: within a quarter of its letters, and nearer it than any
    other; where two are as near, ``marked`` (the lines' letters with their marks apart, ``marked_key``) may tell
    them apart ("QUYẾ ĐỊNH": Quyết định, not Quy định)."""
    if sum(ch.isalpha() for t in texts for ch in t) < least or not _capitals(texts):
        return None
    found = process.extract(letter_key(" ".join(texts)), keys, scorer=Levenshtein.distance, limit=None)
    best = min(d for _, d, _ in found)
    nearest = [i for _, d, i in found if d == best]
    if best > _NEAR * min(len(keys[i]) for i in nearest):
        return None
    if len(nearest) > 1:
        if marked is None:
            return None
        read = marked_key(" ".join(texts))
        (apart, i), (second, _) = sorted((Levenshtein.distance(read, marked[i]), i) for i in nearest)[:2]
        return lines[i] if apart < second else None
    return lines[nearest[0]]


def marked_key(text: str) -> str:
    """A line's letters with their marks apart (NFD), in capitals: "QUYẾ" is a mark nearer "QUYẾT" than "QUY"."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text.upper()) if ch.isalnum() or unicodedata.combining(ch))


def restored(read: list[Word]) -> list[Word]:
    """The words of a seal's crop read (``run_tesseract``'s), each line that spells a title line replaced by it."""
    out: list[Word] = []
    lines: dict[int, list[Word]] = {}
    for w in read:
        lines.setdefault(w.line, []).append(w)
    for words in lines.values():
        keep = _kept(words)
        span = words[keep[0]:keep[-1] + 1] if keep else []
        title = title_of([w.text for w in span]) if span else None
        if title is None:
            out += words
            continue
        out += words[:keep[0]] + laid(title, span) + words[keep[-1] + 1:]
    return out


def _kept(words: list[Word]) -> list[int]:
    """The places of the line's words that may be a title's: word-like, and at its ends no farther from the next
    such word than the line is tall (a ring's lettering read as "NT" a title's width left of "CHỦ TỊCH")."""
    keep = [k for k, w in enumerate(words) if _word_like(w.text)]
    if len(keep) < 2:
        return keep
    tall = median(words[k].height for k in keep)

    def apart(a: Word, b: Word) -> bool:
        return b.left - (a.left + a.width) > tall

    while len(keep) > 1 and apart(words[keep[0]], words[keep[1]]):
        keep.pop(0)
    while len(keep) > 1 and apart(words[keep[-2]], words[keep[-1]]):
        keep.pop()
    return keep


def laid(title: str, span: list[Word]) -> list[Word]:
    """The title in place of the span's words: on their own boxes where they spell it word for word, else spread
    over their box."""
    return _taken(title, span) or spread(title, span)


def _taken(title: str, span: list[Word]) -> list[Word] | None:
    """The span's own words, where they spell the title word for word ("„CHỦ TỊCH" read at 0.0): its words on
    their boxes, as sure as ``SURE`` at least; None where they do not."""
    words = title.split()
    if [letter_key(w.text) for w in span] != [letter_key(t) for t in words]:
        return None
    return [w if w.text == t and w.conf >= SURE else replace(w, text=t, conf=max(w.conf, SURE))
            for w, t in zip(span, words, strict=True)]


def spread(title: str, span: list[Word]) -> list[Word]:
    """The title's words over the span's box, each as wide as its share of the title's characters."""
    left = min(w.left for w in span)
    right = max(w.left + w.width for w in span)
    # The line's own height: a ring's remains read into a word make its box tall (94 pixels for 35), a word read
    # as a stroke makes it flat (4): the lowest box not flat stands for the line.
    tall = median(w.height for w in span)
    row = min((w for w in span if w.height >= tall / 2), key=lambda w: w.height)
    top, height = row.top, row.height
    per_char = (right - left) / len(title)
    out, at = [], 0
    for text in title.split():
        x = left + round(at * per_char)
        out.append(replace(span[0], text=text, conf=SURE, left=x, top=top, height=height,
                           width=max(1, round(len(text) * per_char))))
        at += len(text) + 1
    return out


def _heads() -> list[str]:
    """The titles a deputy may sign for, in capitals ("CHỦ TỊCH", "GIÁM ĐỐC")."""
    return [t.upper() for t in admin.TITLES if not t.startswith("Phó")]


def _deputy(head: str) -> str:
    """The deputy's title under "KT. <head>"."""
    return "THỨ TRƯỞNG" if head == "BỘ TRƯỞNG" else f"PHÓ {head}"


# The chief of the office signs "thừa lệnh" (TL.) for a People's Committee's chair or a department's director.
_FOR_THE_HEAD = ("CHỦ TỊCH", "GIÁM ĐỐC")
_OFFICE_CHIEF = "CHÁNH VĂN PHÒNG"
_LAST_WORD = letter_key("PHÒNG")  # … whose last word a Trưởng phòng's title ends with too


@cache
def _under() -> dict[str, str]:
    """The key (``letter_key``) of each line a signer's title line follows, and that title: the deputy's under "KT.
    <head>", the chair's under "TM. ỦY BAN NHÂN DÂN" (or the body's name with its "TM." lost), the office's chief
    under "TL. CHỦ TỊCH" and "TL. GIÁM ĐỐC"."""
    under = {letter_key(f"KT. {t}"): _deputy(t) for t in _heads()}
    for body in ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN"):
        under[letter_key(body)] = under[letter_key(f"TM. {body}")] = "CHỦ TỊCH"
    for head in _FOR_THE_HEAD:
        under[letter_key(f"TL. {head}")] = _OFFICE_CHIEF
    return under


def signer_titles(words: list[Word]) -> list[Word]:
    """``words`` (in reading order, lines numbered), each signer's title line that reads as the end of the title
    the line above calls for (``_under``), or near enough to it (``_reads_as_end``), made that title. The line
    above may itself be a letter from what calls for it ("T. GIÁM ĐỐC": "KT." with its "K" under the seal), and
    is then spelled as that too. Under the body's name a line above a deputy's title is no chair's "CHỦ TỊCH"
    (read whole, ``_deputy_twice`` made it "KT. CHỦ TỊCH"; a part of it is left as read). A seal's lettering read
    unsurely at a line's ends ("ñTRŠ" at 0.3) may be left out of the line's letters, and is left as read."""
    lines = lines_of(words)
    keys = [letter_key(" ".join(w.text for w in line)) for line in lines]
    _deputy_twice(lines, keys)
    deputies = {letter_key(t) for t in _under().values()} - {letter_key("CHỦ TỊCH")}
    for n in range(1, len(lines)):
        read = []  # each title the line above may call for that this line reads as, with where
        for above, title in _called(keys[n - 1]):
            if title == "CHỦ TỊCH" and n + 1 < len(lines) and keys[n + 1] in deputies:
                continue
            if (parts := _read_as(title, lines[n])) is not None:
                read.append((above, title, parts))
        if len({title for _, title, _ in read}) == 1:
            above, title, (before, span, after) = read[0]
            lines[n] = before + _laid(title, span) + after
            if letter_key(above) != keys[n - 1]:
                lines[n - 1] = _laid(above, lines[n - 1])
    return [w for line in lines for w in line]


def _read_as(title: str, line: list[Word]) -> tuple[list[Word], list[Word], list[Word]] | None:
    """The line's parts (``_spans``) whose middle reads as the end of ``title`` (``_reads_as_end``); None where none
    does. The office's chief is read from more than its last word (``_LAST_WORD``)."""
    for parts in _spans(line):
        key = letter_key(" ".join(w.text for w in parts[1]))
        if _reads_as_end(title, key, parts[1]) and (title != _OFFICE_CHIEF or len(key) > len(_LAST_WORD)):
            return parts
    return None


@cache
def _signing_for() -> dict[str, tuple[str, str]]:
    """A head's title by its key, and the two lines a deputy signs under for that head: "KT. CHỦ TỊCH", "PHÓ CHỦ
    TỊCH" (heads whose deputy's title ends with theirs: not "BỘ TRƯỞNG", whose deputy is "THỨ TRƯỞNG")."""
    return {letter_key(head): (f"KT. {head}", _deputy(head)) for head in _heads()
            if letter_key(_deputy(head)).endswith(letter_key(head))}


def _deputy_twice(lines: list[list[Word]], keys: list[str]) -> None:
    """A head's title read on two lines running ("CHỦ TỊCH⏎CHỦ TỊCH", "GIÁM ĐỐC⏎GIÁM ĐỐC"), or above its deputy's
    ("CHỦ TỊCH⏎PHÓ CHỦ TỊCH"), or the last words of both ("TỊCH⏎TỊCH", "ĐỐC⏎ĐỐC"): a signer block prints its title
    once, and a deputy's under "KT." only, so these are a deputy's "KT. CHỦ TỊCH⏎PHÓ CHỦ TỊCH", the seal over the
    lines' first words (what the rings and lettering left of them read as junk, set aside). Only where one head's
    titles end so (not "PHÒNG⏎PHÒNG": a Chánh Văn phòng's or a Trưởng phòng's). The words lacking are put back,
    doubtful."""
    for n in range(len(lines) - 1):
        pair = _signing_for().get(keys[n])
        if not (pair and keys[n + 1] in (keys[n], letter_key(pair[1]))):
            ends = {p for p in _deputies() if keys[n] in _ends_of(p[0]) and keys[n + 1] in _ends_of(p[1])}
            pair = ends.pop() if len(ends) == 1 and _capitals([w.text for w in lines[n] + lines[n + 1]]) else None
        if pair:
            for k, title in zip((n, n + 1), pair, strict=True):
                lines[k] = _laid(title, lines[k])
                keys[k] = letter_key(title)


@cache
def _deputies() -> set[tuple[str, str]]:
    """``_signing_for``'s pairs whose deputy's title is one of Decree 30's (not "PHÓ CÔNG CHỨC …")."""
    listed = {t.upper() for t in admin.TITLES}
    return {pair for pair in _signing_for().values() if pair[1] in listed}


@cache
def _ends_of(title: str) -> frozenset[str]:
    """The keys of ``title``'s last words, one word or more, its authority mark left out ("TICH", "CHUTICH" for "KT.
    CHỦ TỊCH")."""
    words = [letter_key(w) for w in title.split() if w not in admin.AUTHORITY_MARKS]
    return frozenset("".join(words[k:]) for k in range(len(words)))


def _capitals(texts: list[str]) -> bool:
    """Are these words (a line's) in capitals: ``_CAPITALS`` of their letters at least?"""
    letters = [ch for t in texts for ch in t if ch.isalpha()]
    return bool(letters) and sum(ch.isupper() for ch in letters) >= _CAPITALS * len(letters)


def _spans(line: list[Word]) -> Iterator[tuple[list[Word], list[Word], list[Word]]]:
    """The line whole, then, where it differs, as the words before, within and after its run from the first to the
    last word read at ``_JUNK`` or more."""
    yield [], line, []
    sure = [k for k, w in enumerate(line) if w.conf >= _JUNK]
    if sure and (sure[0] or sure[-1] < len(line) - 1):
        yield line[:sure[0]], line[sure[0]:sure[-1] + 1], line[sure[-1] + 1:]


@cache
def _calling() -> dict[str, str]:
    """The title lines that call for the line under them (``_under``), by their keys."""
    lines, keys = title_lines()
    return {k: t for k, t in zip(keys, lines, strict=True) if k in _under()}


def _called(key: str) -> list[tuple[str, str]]:
    """The line calling for a title (``_under``) that the letters ``key`` spell, and the title it calls for; or,
    where none does, each that they spell but for a letter ("T. GIÁM ĐỐC": "KT." or "TL." with a letter under the
    seal; the line under tells which)."""
    calling = _calling()
    if key in calling:
        return [(calling[key], _under()[key])]
    return [(calling[k], _under()[k]) for k in sorted(calling, key=len) if Levenshtein.distance(key, k) == 1]


def _reads_as_end(title: str, key: str, line: list[Word]) -> bool:
    """Do the line's letters ``key`` spell the last words of ``title`` and no more, or, a line of capitals, its last
    letters but for a third of them ("GIÁ ĐỌC Ở", "Á ĐỐC" for "PHÓ GIÁM ĐỐC"; "CHỦ CH" for "CHỦ TỊCH"), nearer to
    them than to any other title line?"""
    if key in _ends_of(title):
        return True
    if len(key) < 3 or not _capitals([w.text for w in line]) or _a_unit(line):
        return False
    whole = letter_key(title)
    off = min((Levenshtein.distance(key, whole[k:]) for k in range(len(whole) - 2)), default=len(key))
    if off > (len(key) + 1) // 3:
        return False
    _, keys = title_lines()
    return all(Levenshtein.distance(key, k) > off for k in keys if not whole.endswith(k))


def _a_unit(line: list[Word]) -> bool:
    """Does the line open with a unit's word ("XÃ TỊCH" under the issuing "ỦY BAN NHÂN DÂN" of a header)?"""
    return any(fold(" ".join(w.text for w in line[:2])).startswith(fold(u) + " ") for u in UNIT_WORDS)


def _laid(title: str, line: list[Word]) -> list[Word]:
    """``title`` in the line's place, ending where it ends: the line's own words where they spell the title's last
    words, the others put back before them, as wide as their letters, doubtful (``SUPPLIED``)."""
    words = title.split()
    kept = 0
    while kept < min(len(words), len(line)) and letter_key(line[-1 - kept].text) == letter_key(words[-1 - kept]):
        kept += 1
    own = line[len(line) - kept:]
    first, last = line[0], line[-1]
    per_char = (last.left + last.width - first.left) / max(1, len(" ".join(w.text for w in line)))
    right = (own[0].left if own else last.left + last.width + per_char) - per_char
    out = []
    for text in reversed(words[:len(words) - kept]):
        width = round(len(text) * per_char)
        out.insert(0, replace(first, text=text, conf=SUPPLIED, left=round(right - width), width=width))
        right -= width + per_char
    return out + own
