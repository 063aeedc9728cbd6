"""Tesseract's words in reading order and the page text (lines joined by newlines)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.text import normalize


@dataclass(slots=True)
class Word:
    """One recognised word. ``conf`` is 0..1; ``block`` is Tesseract's block number; ``line`` numbers the
    page's lines in reading order (unique across blocks and paragraphs, from 0)."""

    text: str
    conf: float
    left: int
    top: int
    width: int
    height: int
    block: int
    line: int


SUPPLIED = 0.75  # a word put back where the read lost it is doubtful (below the review threshold, as a seal's read)
FRACTION_SLASH = "\u2044"


def tesseract_words(read: Iterable[tuple[tuple[int, int, int, int], str, float, int, int, int, int]]) -> list[Word]:
    """The words Tesseract read, each (its block, paragraph, line and word number; text; confidence 0–100; left,
    top, width, height), in that order: text NFC with Ð → Đ and the fraction slash ``vie`` reads for a printed "/"
    made a slash ("41⁄23", "01⁄1993"); a word with no text or no confidence left out, the lines numbered across the
    page from 0."""
    words: list[Word] = []
    line_no, last = -1, None
    for key, raw, conf, left, top, width, height in read:
        text = normalize(raw).replace(FRACTION_SLASH, "/")
        if not text or conf < 0:
            continue
        if key[:3] != last:
            line_no, last = line_no + 1, key[:3]
        words.append(Word(text=text, conf=max(0.0, min(1.0, conf / 100.0)), left=left, top=top, width=width,
                          height=height, block=key[0], line=line_no))
    return words


_SURE = 0.6  # a word read at least this surely, of two letters or digits, is print


def surely_read(w: Word) -> bool:
    """Is ``w`` print read surely: two letters or digits at least, at ``_SURE`` or more?"""
    return w.conf >= _SURE and sum(ch.isalnum() for ch in w.text) >= 2


def in_capitals(text: str) -> bool:
    """Is ``text`` (a line's) set in capitals: four letters at least, none in lower case?"""
    return text.isupper() and sum(ch.isalpha() for ch in text) >= 4


def lines_of(words: list[Word]) -> list[list[Word]]:
    lines: dict[int, list[Word]] = {}
    for w in words:
        lines.setdefault(w.line, []).append(w)
    return [lines[k] for k in sorted(lines)]


def page_text(words: list[Word]) -> str:
    return "\n".join(" ".join(w.text for w in line) for line in lines_of(words))


def mean_confidence(words: list[Word]) -> float:
    """Mean word confidence weighted by word length (long words count more than stray marks)."""
    total = sum(len(w.text) for w in words)
    return sum(w.conf * len(w.text) for w in words) / total if total else 0.0
