"""The document's number line (Decree 30/2020: "Số: 12/QĐ-UBND" under the issuing body), its label restored.

A receipt stamp's frame or the number a pen wrote into the blank crosses the label: "Số:" is read as junk ('"NG'
at 0.00) and dropped, while the code after it ("/QĐ-UBND") is read. A line of the page's top that opens with such
a code is the number line: "Số:" goes back before it, as wide as three of the code's letters, doubtful
(``SUPPLIED``); one read in capitals ("SỐ:") is written as the template prints it.
"""
from __future__ import annotations

import re
from dataclasses import replace

from ocr.words import SUPPLIED, Word, lines_of

# "/QĐ-UBND", "1658/KH-UBND", "41/UBND-KT", "/TB-STP": a number (or the blank) and the kind and body's letters
CODE = re.compile(r"\d*/[A-ZĐ]{2,8}(?:-[A-ZĐ0-9]{1,8}){0,3}[.,]?")
LABEL = "Số:"
_TOP = 8  # lines from the page's top where a header's number line stands


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
