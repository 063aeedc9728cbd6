"""Tesseract TSV → words in reading order and the page text (lines joined by newlines)."""
from __future__ import annotations

import csv
import io
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


def parse_tsv(tsv: str) -> list[Word]:
    """Words of a Tesseract TSV in reading order (block, paragraph, line, word), text NFC with Ð → Đ and the
    fraction slash ``vie`` reads for a printed "/" made a slash ("41⁄23", "01⁄1993")."""
    rows = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if not header:
        return []
    col = {name: i for i, name in enumerate(header)}
    keyed: list[tuple[tuple[int, int, int, int], Word]] = []
    for row in rows:
        if len(row) < len(header) or row[col["level"]] != "5":
            continue
        text = normalize(row[col["text"]]).replace(FRACTION_SLASH, "/")
        conf = float(row[col["conf"]])
        if not text or conf < 0:
            continue
        key = tuple(int(row[col[k]]) for k in ("block_num", "par_num", "line_num", "word_num"))
        word = Word(
            text=text,
            conf=max(0.0, min(1.0, conf / 100.0)),
            left=int(row[col["left"]]),
            top=int(row[col["top"]]),
            width=int(row[col["width"]]),
            height=int(row[col["height"]]),
            block=key[0],
            line=0,
        )
        keyed.append((key, word))  # type: ignore[arg-type]
    keyed.sort(key=lambda kw: kw[0])
    words: list[Word] = []
    line_no, last = -1, None
    for key, word in keyed:
        if key[:3] != last:
            line_no, last = line_no + 1, key[:3]
        word.line = line_no
        words.append(word)
    return words


_SURE = 0.6  # a word read at least this surely, of two letters or digits, is print


def surely_read(w: Word) -> bool:
    """Is ``w`` print read surely: two letters or digits at least, at ``_SURE`` or more?"""
    return w.conf >= _SURE and sum(ch.isalnum() for ch in w.text) >= 2


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
