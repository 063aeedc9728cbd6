"""Build the syllable n-gram model that OCR post-correction uses: ``python -m ocr.correct.build [DATA_DIR]``.

Reads public text (sources and licences in ocr/correct/data/SOURCES.md; DATA_DIR defaults to
/work/shared/data or $SOHOA_SHARED_DATA) and writes ocr/correct/data/syllables.tsv.gz: syllable unigram and
bigram counts, lowercase NFC, only strings spelled like Vietnamese syllables and "#" for a number, bigrams seen
fewer than twice dropped; and ocr/correct/data/family_names.tsv, middle_names.tsv and given_names.tsv
(``--family-names``: those files only), names' syllables in each place with how many of the public name list bear
each.
The corpora themselves are not copied. The UD VTB *test* split is held out for evaluation
(``python -m ocr.correct.evaluate``).
"""
from __future__ import annotations

import bz2
import gzip
import json
import os
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ocr.correct import admin
from ocr.correct.syllables import NUMBER, NUMBER_CORE, is_syllable

OUT = Path(__file__).parent / "data" / "syllables.tsv.gz"
FAMILY_OUT = Path(__file__).parent / "data" / "family_names.tsv"
GIVEN_OUT = Path(__file__).parent / "data" / "given_names.tsv"
MIDDLE_OUT = Path(__file__).parent / "data" / "middle_names.tsv"
MIN_FAMILY = 2  # a family name seen once in the name list may be a typo ("Nguyến")
MIN_BIGRAM = 2
# Weight of dictionary entries (names, administrative units, form labels) relative to one corpus occurrence.
DICT_WEIGHT = 3
# Weight of each phrase of administrative wording (ocr.correct.admin): printed on every page we read.
ADMIN_WEIGHT = 20
# Runs of words and numbers with nothing but spaces between them; a number ("12", "2026", "10/4/2026", "1,5")
# counts as the one token ``NUMBER``, so "ngày 12 tháng 7 năm 2026" gives "ngày #", "# tháng"…
_WORD_OR_NUMBER = rf"(?:[^\W\d_]+|{NUMBER_CORE})"
_CHUNK = re.compile(rf"{_WORD_OR_NUMBER}(?:\s+{_WORD_OR_NUMBER})*", re.UNICODE)


def default_data_dir() -> Path:
    return Path(os.environ.get("SOHOA_SHARED_DATA", "/work/shared/data"))


def ud_sentences(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"# text\s*=\s*(.*)", line):
            yield m.group(1)


def corpus(data: Path) -> Iterator[str]:
    prose = data / "prose"
    for split in ("train", "dev"):  # test is held out
        yield from ud_sentences(prose / f"UD_Vietnamese-VTB_{split}.conllu")
    with bz2.open(prose / "tatoeba_vie_sentences.tsv.bz2", "rt", encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                yield parts[2]
    yield from (prose / "udhr_vi.txt").read_text(encoding="utf-8").splitlines()
    for line in (prose / "wiki_vi_articles.jsonl").read_text(encoding="utf-8").splitlines():
        yield from json.loads(line).get("extract", "").splitlines()
    for wl in ("langdata_vie/vie.wordlist", "langdata_lstm_vie/vie.wordlist"):
        yield from (data / "tesseract_vie" / wl).read_text(encoding="utf-8").splitlines()


def dictionaries(data: Path) -> Iterator[str]:
    """Person names, administrative units of both eras, and the labels of our forms."""
    names = data / "names"
    for member in json.loads((names / "duyet_uit_member.json").read_text(encoding="utf-8")):
        if member.get("full_name"):
            yield member["full_name"]
    for f in ("duyet_boy.txt", "duyet_girl.txt"):
        yield from (names / f).read_text(encoding="utf-8").splitlines()
    from domain.gazetteer import gazetteer

    yield from gazetteer().phrases()
    from ocr.forms import FORMS
    from ocr.record_type import _LABELS, _TITLES

    for labels, _ in FORMS.values():
        for label in labels:
            yield from label.texts
    for phrases in (*_TITLES.values(), *_LABELS.values()):
        yield from phrases


def count(lines: Iterator[str], unigrams: Counter, bigrams: Counter, weight: int = 1) -> None:
    for line in lines:
        for chunk in _CHUNK.findall(line.lower()):
            toks = chunk.split()
            prev = None
            for tok in toks:
                if tok[0].isdigit():
                    tok = NUMBER
                elif not is_syllable(tok):
                    prev = None
                    continue
                unigrams[tok] += weight
                if prev:
                    bigrams[prev, tok] += weight
                prev = tok


def build(data: Path, out: Path = OUT) -> tuple[int, int]:
    unigrams: Counter[str] = Counter()
    bigrams: Counter[tuple[str, str]] = Counter()
    count(corpus(data), unigrams, bigrams)
    count(dictionaries(data), unigrams, bigrams, DICT_WEIGHT)
    count(iter(admin.phrases()), unigrams, bigrams, ADMIN_WEIGHT)
    kept = {k: v for k, v in bigrams.items() if v >= MIN_BIGRAM}
    out.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same sources give byte-identical output.
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        lines = [f"1\t{s}\t{n}" for s, n in sorted(unigrams.items())]
        lines += [f"2\t{a} {b}\t{n}" for (a, b), n in sorted(kept.items())]
        gz.write(("\n".join(lines) + "\n").encode("utf-8"))
    return len(unigrams), len(kept)


def build_family_names(data: Path, out: Path = FAMILY_OUT) -> int:
    """Family names (the first syllable of each full name in the public name list) and how often each is
    borne: the prior that ``ocr.correct.names`` uses to restore a family name's marks."""
    families: Counter[str] = Counter()
    for member in json.loads((data / "names" / "duyet_uit_member.json").read_text(encoding="utf-8")):
        words = unicodedata.normalize("NFC", member.get("full_name") or "").split()
        if len(words) >= 2 and is_syllable(words[0]) and words[0][:1].isupper() and words[0][1:].islower():
            families[words[0]] += 1
    kept = sorted((n, c) for n, c in families.items() if c >= MIN_FAMILY)
    out.write_text("".join(f"{n}\t{c}\n" for n, c in kept), encoding="utf-8")
    return len(kept)


def build_given_names(data: Path, out: Path = GIVEN_OUT, middle_out: Path = MIDDLE_OUT) -> int:
    """Given names (each name's last syllable, in the public name list and the lists of boys' and girls' names)
    and middle names' syllables (those between), each with how often it is seen: the priors that
    ``ocr.correct.names`` uses to restore the marks of a name's other syllables ("Văn" is a middle name far more
    than a given one, "Vân" the other way)."""
    given: Counter[str] = Counter()
    middle: Counter[str] = Counter()
    names = [m.get("full_name") or "" for m in json.loads((data / "names" / "duyet_uit_member.json")
                                                            .read_text(encoding="utf-8"))]
    names = [" ".join(n.split()[1:]) for n in names]
    for kind in ("duyet_boy.txt", "duyet_girl.txt"):
        names += (data / "names" / kind).read_text(encoding="utf-8").splitlines()
    for name in names:
        words = [w for w in unicodedata.normalize("NFC", name).split()
                 if is_syllable(w) and w[:1].isupper() and w[1:].islower()]
        if words:
            given[words[-1].lower()] += 1
            middle.update(w.lower() for w in words[:-1])
    for counts, path in ((given, out), (middle, middle_out)):
        kept = sorted((n, c) for n, c in counts.items() if c >= MIN_FAMILY)
        path.write_text("".join(f"{n}\t{c}\n" for n, c in kept), encoding="utf-8")
    return len(given)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    only_families = "--family-names" in args
    args = [a for a in args if a != "--family-names"]
    data = Path(args[0]) if args else default_data_dir()
    if not only_families:
        n1, n2 = build(data)
        print(f"{OUT}: {n1} syllables, {n2} bigrams ({OUT.stat().st_size / 1024:.0f} KiB)")
    print(f"{FAMILY_OUT}: {build_family_names(data)} family names")
    print(f"{GIVEN_OUT}, {MIDDLE_OUT}: {build_given_names(data)} given names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
