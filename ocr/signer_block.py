"""What a seal and a signature left as text in the signer's block, between the title and the name, dropped.

Decree 30/2020 prints the signer's title in capitals, leaves room under it for the signature and the seal, and
prints the signer's full name below; nothing else is printed there. Where the seal is as dark as print (a grey or
black-and-white scan, a photocopy) and not found as one, or a signature is not set aside whole, their strokes and
the seal's lettering come out as lines of their own: "S mê", "củ ảN", "đề", "\\", "Này c2" on a black-and-white
copy of the benchmark's pages; ": ề", "Pver" on the office scans of issue 14. Below the signer's last title line
(in capitals, one of the closed set ``titles.title_lines``), in its column and as far again left of it (the seal
sits on the title's left), a line with no word read surely — two letters or digits at 0.6 or more — is no print,
and goes. A line read surely ("(Đã ký)" on a copy, the name) stays, as does anything where no title line is
found among the page's last lines (the signer's column is read last).
"""
from __future__ import annotations

from functools import cache

from ocr.titles import letter_key, title_lines
from ocr.words import Word, lines_of, surely_read

_TAIL = 8  # the signer's title is among the page's last lines: its block's rest, the debris and the name


def without_debris(words: list[Word]) -> list[Word]:
    """``words`` (in reading order, lines numbered) less the lines the seal and signature left under the signer's
    title (above)."""
    lines = lines_of(words)
    at = next((n for n in range(len(lines) - 1, max(-1, len(lines) - 1 - _TAIL), -1) if _title(lines[n])), None)
    if at is None:
        return words
    title = lines[at]
    left, right = min(w.left for w in title), max(w.left + w.width for w in title)
    bottom = max(w.top + w.height for w in title)
    dropped = {id(w) for line in lines[at + 1:]
               if min(w.top for w in line) >= bottom and min(w.left for w in line) < right
               and max(w.left + w.width for w in line) > 2 * left - right and not any(map(surely_read, line))
               for w in line}
    return [w for w in words if id(w) not in dropped] if dropped else words


@cache
def _title_keys() -> frozenset[str]:
    return frozenset(title_lines()[1])


def _title(line: list[Word]) -> bool:
    """Is ``line`` a signer's title line, in capitals ("SỞ TƯ PHÁP", not the recipients' "- Sở Tư pháp;")?"""
    text = " ".join(w.text for w in line)
    return letter_key(text) in _title_keys() and text.upper() == text
