"""OCR'd lines as strings that remember which word each character came from, so that a field's value
(a span of a line) gets the confidences of exactly the words it was read from."""
from __future__ import annotations

from dataclasses import dataclass

from ocr.labels import Match, Skeleton, find_label, skeleton
from ocr.words import Word, lines_of


@dataclass(slots=True)
class Line:
    text: str
    words: list[Word]
    spans: list[tuple[int, int]]  # character span of each word in ``text``
    sk: Skeleton

    @classmethod
    def of(cls, words: list[Word]) -> Line:
        spans, pos = [], 0
        for w in words:
            spans.append((pos, pos + len(w.text)))
            pos += len(w.text) + 1
        text = " ".join(w.text for w in words)
        return cls(text, words, spans, skeleton(text))

    def confidence(self, start: int, end: int) -> float:
        """Length-weighted mean confidence of the words overlapping ``text[start:end]``."""
        parts = [(w.conf, min(e, end) - max(s, start)) for w, (s, e) in zip(self.words, self.spans, strict=True)
                 if s < end and e > start]
        total = sum(n for _, n in parts)
        return sum(c * n for c, n in parts) / total if total else 0.0

    def find(self, label: str) -> Match | None:
        return find_label(self.text, label, sk=self.sk)


def page_lines(words: list[Word], text: str = "", default_conf: float = 0.9) -> list[Line]:
    """Lines from the OCR words; from plain text (one pseudo-word per token) when there are no words."""
    if words:
        return [Line.of(ws) for ws in lines_of(words)]
    out = []
    for n, raw in enumerate(text.splitlines()):
        toks = raw.split()
        if toks:
            out.append(Line.of([Word(t, default_conf, 0, 0, 0, 0, 0, n) for t in toks]))
    return out
