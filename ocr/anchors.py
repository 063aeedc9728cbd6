"""Label-anchored reading of form fields: find the labels on each line, take each value from the label's end
to the next label on the same line (or the line's end), and assign it to a field by the current section
(a child's "Dân tộc" vs the mother's, the wife's name vs the husband's)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from domain.text import edit_distance
from ocr.labels import SEPARATORS, Match, label_skeleton, skeleton
from ocr.lines import Line


@dataclass(frozen=True, slots=True)
class Label:
    texts: tuple[str, ...]
    key: str | None  # what the value is (None: a section heading only)
    opens: str | None = None  # section this label starts
    line_start: bool = False  # only counts at the start of a line (short labels such as "Số")


@dataclass(slots=True)
class Raw:
    """A value as read: text, OCR confidence of its words, and how fuzzily its label matched."""

    text: str
    conf: float
    label_distance: int
    line: int


@dataclass(slots=True)
class _Hit:
    label: Label
    match: Match


def _hits(line: Line, labels: tuple[Label, ...]) -> list[_Hit]:
    found = []
    for label in labels:
        matches = [m for t in label.texts if (m := line.find(t))]
        matches = [m for m in matches if _plausible(line.text, m, label)]
        if matches:
            found.append(_Hit(label, max(matches, key=lambda m: (m.length - m.distance, -m.distance))))
    # The most specific label wins where labels overlap ("Họ, chữ đệm, tên người mẹ" over "Họ, chữ đệm, tên"),
    # an error counting as two characters ("tên người HỆ:" is the mother's label at distance 1, not the father's
    # at distance 2).
    found.sort(key=lambda h: (2 * h.match.distance - h.match.length, h.match.distance))
    kept: list[_Hit] = []
    for h in found:
        if all(h.match.end <= k.match.start or h.match.start >= k.match.end for k in kept):
            kept.append(h)
    return sorted(kept, key=lambda h: h.match.start)


_LONG_LABEL = 12


def _plausible(text: str, m: Match, label: Label) -> bool:
    """A label starts its line (nothing but specks and punctuation before it) or is followed by a separator
    (':' or dot leaders); long labels may stand alone; fuzzy matches always need the separator. Keeps short
    labels from matching inside values ("tỉnh Nam Định" is not "Năm sinh")."""
    at_start = not any(ch.isalnum() for ch in text[: m.start])
    if label.line_start:
        return at_start
    rest = text[m.end :].lstrip(" ")
    followed = bool(rest) and rest[0] in SEPARATORS
    if m.distance:  # a fuzzy match must end at a separator, or it may have eaten into the value
        return followed
    return at_start or followed or m.length >= _LONG_LABEL


_REST_WORDS = 8


def _past_label_rest(line: Line, hit: _Hit, end: int) -> int:
    """Where the value starts: after the label, or after the rest of a longer form of it whose words were misread
    so that only its start was found ("Quan hệ" of "Quan hệ với người được sinh: Cha", a word lost) — words
    without digits up to a separator that, with the start, come near one of the label's forms."""
    m, text = hit.match, line.text
    rest = text[m.end:end]
    if rest.lstrip(" ")[:1] in SEPARATORS:
        return m.end
    stop = next((i for i, ch in enumerate(rest) if ch in ":;"), -1)
    if stop < 0 or any(ch.isdigit() for ch in rest[:stop]) or len(rest[:stop].split()) > _REST_WORDS:
        return m.end
    whole = skeleton(text[m.start:m.end + stop]).text
    for form in hit.label.texts:
        sk = label_skeleton(form)
        if len(sk) > m.length and edit_distance(whole, sk) <= len(sk) // 4:
            return m.end + stop + 1
    return m.end


def _value(line: Line, start: int, end: int) -> tuple[str, int, int]:
    """The value between ``start`` and ``end``, without the separators, quotes and specks read around it
    ("Kinh `", "'Ủy ban", "27 '", "036201012345”"): a value starts and ends with a letter or digit (or a
    bracket)."""
    text = line.text
    while start < end and not (text[start].isalnum() or text[start] == "("):
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] == ")"):
        end -= 1
    return text[start:end], start, end


def read_fields(
    lines: list[Line],
    labels: tuple[Label, ...],
    fields: dict[tuple[str, str], str],
    *,
    auto_sections: tuple[str, ...] = (),
) -> dict[str, list[Raw]]:
    """Every value found for each field, in page order. ``fields`` maps (section, key) → field name, with
    section "*" for keys that mean the same everywhere. ``auto_sections``: when a name appears outside any
    section, it opens the first of these whose name is still missing (marriage: wife, then husband)."""
    section = "main"
    out: dict[str, list[Raw]] = {}
    all_hits = [_hits(line, labels) for line in lines]
    left, right = _margins(lines)
    for n, line in enumerate(lines):
        hits = all_hits[n]
        for i, hit in enumerate(hits):
            if hit.label.opens:
                section = hit.label.opens
            elif hit.label.key == "name" and auto_sections:
                missing = [s for s in auto_sections if fields.get((s, "name")) not in out]
                section = missing[0] if missing else auto_sections[-1]
            if hit.label.key is None:
                continue
            if auto_sections and section not in auto_sections and (auto_sections[0], hit.label.key) in fields:
                # A person's detail before any person's name was found (its label lost): the first person.
                section = auto_sections[0]
            field = fields.get((section, hit.label.key)) or fields.get(("*", hit.label.key))
            if not field:
                continue
            end = hits[i + 1].match.start if i + 1 < len(hits) else len(line.text)
            text, s, e = _value(line, _past_label_rest(line, hit, end), end)
            if not text:
                continue
            conf = line.confidence(s, e)
            if i + 1 == len(hits) and n + 1 < len(lines) and not all_hits[n + 1] \
                    and _continues(line, lines[n + 1], left, right):
                nxt = lines[n + 1]
                more, ms, me = _value(nxt, 0, len(nxt.text))
                if more:
                    conf = (conf * len(text) + nxt.confidence(ms, me) * len(more)) / (len(text) + len(more))
                    text = f"{text} {more}"
            out.setdefault(field, []).append(Raw(text, conf, hit.match.distance, n))
    return out


# A numbered heading ("II. Thửa đất…", read "H.", "1L.", "IL.", "11. Thửa đất…") or item ("c) Địa chỉ…") starts a
# new part. (A lone "1." may be a wrapped value's own.)
_HEADING = re.compile(r"^\W*(?:[IVXH]{1,4}\.|[IVXHLl1|]{2,4}\.|[a-hđ]\))\s")
_DATED = re.compile(r"ng[aà]y\s*\d{1,2}\s*th[aá]ng", re.IGNORECASE)
# A label and its value: a colon with text after it. One that ends the line is a speck of the dot leader read
# after the value's last word ("tỉnh Thanh⏎Hóa :"), and the wrapped word must not be lost for it.
_LABELLED = re.compile(r":\W*\w")


def _first_text(line: Line):
    """The first word with a letter or digit (specks read as '-', '.', '"' before it are not the text)."""
    return next((w for w in line.words if any(ch.isalnum() for ch in w.text)), line.words[0])


def _margins(lines: list[Line]) -> tuple[int, int]:
    """Left and right margins of the text: where lines of three words or more start and end (specks, seal
    strokes and stray marks beside the text are single words and must not widen the margins). The left margin
    is where a quarter of those lines start: a mark read as a word before one line does not move it."""
    full = [line for line in lines if len(line.words) >= 3] or [line for line in lines if line.words]
    if not full:
        return 0, 0
    starts = sorted(_first_text(line).left for line in full)
    return starts[len(starts) // 4], max(w.left + w.width for line in full for w in line.words)


def _continues(line: Line, nxt: Line, left: int, right: int) -> bool:
    """Is ``nxt`` the wrapped rest of the value that ends ``line``? With word boxes: ``line`` runs to the
    right margin and ``nxt`` starts at the left one. Without (plain text): ``nxt`` is a short fragment."""
    if not nxt.words or _LABELLED.search(nxt.text) or _DATED.search(nxt.text) or _HEADING.match(nxt.text):
        return False
    if right > 0:
        width = right - left
        ends = max(w.left + w.width for w in line.words)
        return ends >= right - 0.08 * width and _first_text(nxt).left <= left + 0.03 * width
    return len(nxt.words) <= 3
