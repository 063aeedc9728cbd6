"""Finding form labels in OCR'd lines, tolerant of OCR noise.

Both sides are compared as *skeletons*: folded (no diacritics, đ → d, lowercase) and stripped of everything
but letters and digits, so "Ho, chu dem, ten", "Họ chữ đệm tên" and "Họ, chữ đệm, tên" are the same label.
On top of that an approximate substring match (Sellers' edit-distance algorithm) allows about one error in
eight characters. Every match maps back to character offsets in the original line.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from domain.text import fold

# What may follow a label: ':' or dot leaders (a short label followed by one is not inside a value).
SEPARATORS = ":;.…"


@dataclass(frozen=True, slots=True)
class Skeleton:
    text: str
    index: tuple[int, ...]  # index[i] = offset in the original string of skeleton character i


@lru_cache(maxsize=4096)  # called for every character of every OCR line; the alphabet is small
def _fold_char(ch: str) -> str:
    f = fold(ch)
    return f[0] if f else ""


def skeleton(text: str) -> Skeleton:
    chars, index = [], []
    for i, ch in enumerate(unicodedata.normalize("NFC", text)):
        f = _fold_char(ch)
        if f.isalnum():
            chars.append(f)
            index.append(i)
    return Skeleton("".join(chars), tuple(index))


@lru_cache(maxsize=1024)
def label_skeleton(label: str) -> str:
    return skeleton(label).text


def max_errors(n: int) -> int:
    return int(n * 0.125 + 0.3)  # 4→0, 6→1, 8→1, 14→2, 22→3


@dataclass(frozen=True, slots=True)
class Match:
    start: int  # offsets in the original line
    end: int
    distance: int
    length: int  # skeleton length of the label: longer labels are more specific


@lru_cache(maxsize=1024)  # a line is looked in for dozens of labels
def _bigrams(s: str) -> frozenset[str]:
    return frozenset(s[i : i + 2] for i in range(len(s) - 1))  # (not via _pairs: lines would crowd out labels)


@lru_cache(maxsize=1024)  # labels: a closed set, asked of every line
def _pairs(s: str) -> tuple[str, ...]:
    return tuple(s[i : i + 2] for i in range(len(s) - 1))


def find_label(line: str, label: str, *, sk: Skeleton | None = None) -> Match | None:
    """Best approximate occurrence of ``label`` in ``line`` (None when beyond the error budget)."""
    pat = label_skeleton(label)
    sk = sk or skeleton(line)
    text = sk.text
    if not pat or not text:
        return None
    k = max_errors(len(pat))
    if k == 0:
        pos = text.find(pat)
        while pos >= 0 and not _at_word_start(line, sk, pos):
            pos = text.find(pat, pos + 1)
        return None if pos < 0 else Match(sk.index[pos], sk.index[pos + len(pat) - 1] + 1, 0, len(pat))
    # The q-gram lemma: a substring within k edits of the label holds at least m - 1 - 2k of the label's m - 1
    # bigrams (an edit spoils two at most). Fewer in the whole line: no match, without the quadratic search
    # below, which nine lines in ten would reach for nothing.
    found = _bigrams(text)
    if sum(g in found for g in _pairs(pat)) < len(pat) - 1 - 2 * k:
        return None
    # Sellers: cost[i] = edit distance of pat[:i] to the best substring of text ending here; start[i] is
    # where that substring begins.
    m = len(pat)
    cost = list(range(m + 1))
    start = [0] * (m + 1)
    best: tuple[int, int, int] | None = None  # (distance, start, end) in skeleton offsets
    ties: list[int] = []  # further ends of the best match with the same start and distance
    for j, ch in enumerate(text, 1):
        new_cost, new_start = [0] * (m + 1), [j] * (m + 1)
        for i in range(1, m + 1):
            sub = cost[i - 1] + (pat[i - 1] != ch)
            dele = cost[i] + 1  # an extra character in the text
            ins = new_cost[i - 1] + 1  # a character of the label missing from the text
            if sub <= dele and sub <= ins:
                new_cost[i], new_start[i] = sub, start[i - 1]
            elif dele <= ins:
                new_cost[i], new_start[i] = dele, start[i]
            else:
                new_cost[i], new_start[i] = ins, new_start[i - 1]
        cost, start = new_cost, new_start
        if cost[m] <= k and (best is None or cost[m] < best[0]):
            best, ties = (cost[m], start[m], j), []
        elif best is not None and cost[m] == best[0] and start[m] == best[1]:
            ties.append(j)
    if best is None:
        return None
    dist, s, e = best
    s = min(s, len(sk.index) - 1)
    # "Trang s số: 7": the label may end at either "s"; prefer the end a separator follows (the value's start).
    for j in (e, *ties):
        nxt = line[sk.index[j - 1] + 1:].lstrip(" ")[:1]
        if nxt and nxt in SEPARATORS:
            e = j
            break
    return Match(sk.index[s], sk.index[e - 1] + 1, dist, m)


def _at_word_start(line: str, sk: Skeleton, pos: int) -> bool:
    return _starts_word(line, sk.index[pos])


def _starts_word(line: str, i: int) -> bool:
    return i == 0 or not line[i - 1].isalnum()


def whole_words(line: str, m: Match) -> bool:
    """``m`` begins and ends at word boundaries of ``line``: "vợ" found at the start of "với" is no "vợ"."""
    return _starts_word(line, m.start) and (m.end == len(line) or not line[m.end].isalnum())
