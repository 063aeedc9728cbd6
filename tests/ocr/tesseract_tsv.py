"""The ``tesseract`` program's TSV read into our words, for the tests that compare the kept engine's words with the
program's and for the recorded fixtures (the pipeline takes its words from the library's iterator)."""
from __future__ import annotations

import csv
import io

from ocr.words import Word, tesseract_words


def parse_tsv(tsv: str) -> list[Word]:
    """Words of a Tesseract TSV (as its program writes it) in reading order (block, paragraph, line, word)
    (``tesseract_words``)."""
    rows = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(rows, None)
    if not header:
        return []
    col = {name: i for i, name in enumerate(header)}
    keyed = []
    for row in rows:
        if len(row) < len(header) or row[col["level"]] != "5":
            continue
        keyed.append((tuple(int(row[col[k]]) for k in ("block_num", "par_num", "line_num", "word_num")),
                      row[col["text"]], float(row[col["conf"]]),
                      *(int(row[col[k]]) for k in ("left", "top", "width", "height"))))
    keyed.sort(key=lambda kw: kw[0])
    return tesseract_words(keyed)
