"""The document's title, put back as Decree 30/2020 prints it: its kind in capitals, alone and centred on its line
under the header ("QUYẾT ĐỊNH", "THÔNG BÁO", ``record_type.DOCUMENT_KINDS``).

A title is large bold print and Tesseract reads it well on a clean page; on a copy a toner speck joins a letter
("THÔNG B nn"), a stamp's edge takes one ("ÔNG BÁO", "QUYẾ [ ĐỊNH"), and a receipt stamp beside it gives the line a
word of its own ("PHÒNG THÔNG BÁO", "Ghuyên: THÔNG BÁO"). A line of the page's top in capitals, centred on the page,
whose letters (marks, case and punctuation aside) are within a quarter of one kind's and nearer it than any other
kind's (the marks break a tie) is that title; so is the end of a line, where that end alone is centred, and what
comes before it (the stamp's) goes. The title is laid on the words it replaces (``titles.laid``).
"""
from __future__ import annotations

from functools import cache

from ocr.record_type import DOCUMENT_KINDS
from ocr.titles import laid, letter_key, marked_key, nearest_line
from ocr.words import Word, lines_of

_TOP = 15  # lines from the page's top where the title stands (as ``record_type`` looks for it)
_CENTRED = 0.05  # of the page's width: a title's centre is this near the page's
_LEAST = 4  # letters a line needs to be matched ("LUẬT" alone is a title; "BÁO" is not)


@cache
def _kinds() -> tuple[list[str], list[str], list[str]]:
    titles = sorted(k.upper() for k in DOCUMENT_KINDS)
    return titles, [letter_key(t) for t in titles], [marked_key(t) for t in titles]


def title_of(texts: list[str]) -> str | None:
    """The kind these words (one line's, as read) spell, if one does surely (``titles.nearest_line``; the marks break
    a tie)."""
    titles, keys, marked = _kinds()
    return nearest_line(texts, titles, keys, least=_LEAST, marked=marked)


def document_title(words: list[Word]) -> list[Word]:
    """``words`` in reading order (lines numbered), the document's title as printed."""
    if not words:
        return words
    left, right = min(w.left for w in words), max(w.left + w.width for w in words)
    centre, width = (left + right) / 2, right - left
    lines = lines_of(words)
    for n, line in enumerate(lines[:_TOP]):
        if line[-1].text.endswith(":"):
            continue  # "QUYẾT ĐỊNH:" over a decision's articles, not its title
        for j in range(len(line)):
            span = line[j:]
            title = title_of([w.text for w in span])
            middle = (min(w.left for w in span) + max(w.left + w.width for w in span)) / 2
            # On the page's centre: a header column's line is on its column's, and what comes before a title on
            # its line is a stamp's only where the title is centred without it.
            if title is not None and abs(middle - centre) <= _CENTRED * width:
                if [w.text for w in line] != title.split():
                    lines[n] = laid(title, span)
                return [w for line in lines for w in line]  # one title a page
    return words
