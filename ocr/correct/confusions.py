"""Which diacritics OCR confuses with which: the table behind the channel of ``ocr.correct.model``.

Count it with ``python -m ocr.correct.confusions TRUTH_JSON...`` on pages written by ``python -m samples OUT
--official --mix office --seed 14 --pages 10 --data-dir /work/shared/data`` — the official-documents generator's
TUNING seed (bench accuracy's ``TEMPLATE_RUNS``), never a held-out one. Each page is read as ``ocr.page`` reads
its grey variant, stopping before correction; its words are aligned with the truth by their letters without
marks, and every aligned syllable pair counts its tone (read | true) and each letter's vowel mark or stroke
(read | true). Written to ``data/confusions.tsv`` (``kind, true, read, count``).
``--bench-json FILE``: the same count on what a ``bench accuracy --json`` run read after correction.
"""
from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

from ocr.correct.channel import LETTERS, TABLE, letters_of, tone_of
from ocr.correct.syllables import base, is_syllable

_CORE = re.compile(r"[^\W\d_]+", re.UNICODE)


def count_pair(truth: str, read: str, counts: Counter) -> None:
    """One aligned pair of syllables with the same base letters."""
    counts["word", "", "kept" if truth == read else "changed"] += 1
    counts["tone", tone_of(truth), tone_of(read)] += 1
    for t, r in zip(letters_of(truth), letters_of(read), strict=True):
        if base(t) in LETTERS:
            counts["letter", t, r] += 1


def _cores(text: str) -> list[str]:
    return [m.group(0) for t in text.split() if (m := _CORE.fullmatch(t.strip(".,;:!?()\"'“”-–")))]


def count_page(truth_text: str, read_text: str, counts: Counter) -> None:
    truth, read = _cores(unicodedata.normalize("NFC", truth_text)), _cores(unicodedata.normalize("NFC", read_text))
    tb, rb = [base(t) for t in truth], [base(r) for r in read]
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, tb, rb, autojunk=False).get_opcodes():
        if op != "equal":
            continue
        for t, r in zip(truth[i1:i2], read[j1:j2], strict=True):
            if is_syllable(t) and len(letters_of(t)) == len(letters_of(r)):
                count_pair(t, r, counts)


def _read_raw(path: Path) -> str:
    """The page as ocr.page reads its grey variant, before post-correction."""
    from PIL import Image

    from ocr.layout import reading_order
    from ocr.page import prepare
    from ocr.tesseract import run_tesseract
    from ocr.words import page_text

    grey, _rotation, _rules = prepare(Image.open(path))
    out = run_tesseract(Image.fromarray(grey), lang="vie", timeout_s=300, want_pdf=False, dpi=200)
    return page_text(reading_order(out.words))


def write(counts: Counter, sources: list[str], path: Path = TABLE) -> None:
    lines = [f"# mark confusions counted by python -m ocr.correct.confusions on {', '.join(sources)}"]
    lines += [f"{k}\t{t}\t{r}\t{n}" for (k, t, r), n in sorted(counts.items()) if k != "word"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def marks_changed(rows: list[dict]) -> dict[str, Counter]:
    """What a run of ``bench accuracy --json`` read with a mark changed, by run (tuning, held out): the same
    alignment on its corrected text (``ours_text``), to compare before and after a change to the correction."""
    runs: dict[str, Counter] = {}
    for row in rows:
        if row.get("source") == "official":
            count_page(row["truth_text"], row["ours_text"], runs.setdefault(row["split"], Counter()))
    return runs


def _report(path: Path) -> int:
    for split, c in sorted(marks_changed(json.loads(path.read_text(encoding="utf-8"))).items()):
        words = c["word", "", "kept"] + c["word", "", "changed"]
        print(f"{split}: {words} syllables aligned, {c['word', '', 'changed']} with a tone or mark changed "
              f"(hook read as acute: {c['tone', 'hook', 'acute']}, acute as hook: {c['tone', 'acute', 'hook']})")
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--bench-json"] and len(argv) == 2:
        return _report(Path(argv[1]))
    if not argv:
        print("cách dùng: python -m ocr.correct.confusions TRUTH_JSON... (trang mẫu của seed tinh chỉnh) "
              "hoặc --bench-json FILE",
              file=sys.stderr)
        return 2
    counts: Counter = Counter()
    sources = []
    for arg in argv:
        truth_path = Path(arg)
        book = json.loads(truth_path.read_text(encoding="utf-8"))
        sources.append(f"{book['book']} ({len(book['pages'])} pages, seed {book['seed']})")
        folder = truth_path.parent / book["book"]
        for name, page in zip(book["files"], book["pages"], strict=True):
            count_page(page["text"], _read_raw(folder / name), counts)
            print(f"{name}: {sum(n for (k, _t, _r), n in counts.items() if k == 'tone')} syllables so far",
                  file=sys.stderr)
    write(counts, sources)
    for (k, t, r), n in sorted(counts.items()):
        if t != r:
            print(f"{k}\t{t} → {r}\t{n}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
