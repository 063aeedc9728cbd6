"""Completions offered while keying: what the keyer has typed so far → whole values to accept with Enter.

* Names: the word being typed, matched without diacritics (``ng`` → Nguyễn), the first word from the family
  names by how many bear them (ocr/correct/data/family_names.tsv), the others from syllable frequencies
  (syllables.tsv.gz, where given names weigh in), words already keyed in this book first.
* Places and authorities: the part after the last comma, matched against every unit of both eras
  (domain.gazetteer: before and after July 2025), completed with the units above it ("xa nghia d" →
  "xã Nghĩa Điền, huyện Tư Nghĩa, tỉnh Quảng Ngãi"), the book's own province first.
* Any text field: values already keyed in this book for the same field (the hospital, the authority).
The case follows what was typed (registers write names in capitals).
"""
from __future__ import annotations

import gzip
from collections import Counter
from dataclasses import dataclass
from functools import cache

from domain.gazetteer import gazetteer
from domain.gazetteer import key as unit_key
from domain.records import NAME_FIELDS, PLACE_FIELDS
from domain.text import fold, nfc
from ocr.correct.names import FAMILY_NAMES

from .checks import FIGURE_FIELDS

SYLLABLES = FAMILY_NAMES.with_name("syllables.tsv.gz")
LIMIT = 5
_AUTHORITY = "Ủy ban nhân dân "
ETHNICITIES = ("Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai", "Ê Đê", "Ba Na",
               "Sán Chay", "Chăm", "Cơ Ho", "Xơ Đăng", "Sán Dìu", "Hrê", "Ra Glai", "Mnông", "Thổ", "Stiêng")
CHOICES = {"gender": ("Nam", "Nữ"), "ethnicity": ETHNICITIES, "nationality": ("Việt Nam",),
           "mother_ethnicity": ETHNICITIES, "father_ethnicity": ETHNICITIES,
           "mother_nationality": ("Việt Nam",), "father_nationality": ("Việt Nam",)}


@cache
def _family() -> list[tuple[str, str]]:
    rows = [line.split("\t") for line in FAMILY_NAMES.read_text(encoding="utf-8").splitlines() if "\t" in line]
    return [(fold(n), n) for n, _ in sorted(rows, key=lambda r: -int(r[1]))]


@cache
def _syllables() -> list[tuple[str, str]]:
    counts = []
    with gzip.open(SYLLABLES, "rt", encoding="utf-8") as f:
        for line in f:
            n, word, count = line.rstrip("\n").split("\t")
            if n == "1" and word.isalpha() and len(word) > 1:
                counts.append((int(count), word))
    counts.sort(key=lambda c: -c[0])
    return [(fold(w), w) for _, w in counts]


@dataclass(frozen=True, slots=True)
class _Unit:
    folded: str  # "xa nghia dien" and "nghia dien" both match
    bare: str
    chain: tuple[str, ...]  # ("Xã Nghĩa Điền", "Huyện Tư Nghĩa", "Tỉnh Quảng Ngãi")
    province: str  # unit_key of the province


@cache
def _units() -> list[_Unit]:
    g, seen, out = gazetteer(), set(), []

    def add(chain: tuple[str, ...]) -> None:
        if chain in seen or not chain[0]:
            return
        seen.add(chain)
        first = fold(chain[0])
        out.append(_Unit(first, fold(chain[0].split(" ", 1)[-1]) if " " in chain[0] else first, chain,
                         unit_key(chain[-1])))

    for r in g.legacy:
        add((r["ward"], r["district"], r["province"]))
        add((r["district"], r["province"]))
        add((r["province"],))
    for r in g.current:
        add((r["ward"], r["province"]))
    return out


def _cased(word: str, typed: str, upper_hint: bool) -> str:
    letters = [c for c in typed if c.isalpha()]
    if (len(letters) > 1 and all(c.isupper() for c in letters)) or (len(letters) == 1 and letters[0].isupper()
                                                                    and upper_hint):
        return word.upper()
    if letters and letters[0].isupper():
        return word[:1].upper() + word[1:]
    return word


def _rank(typed: str, pool, limit: int) -> list[str]:
    """Candidates (folded, word) whose folded form starts with the folded ``typed``; those spelled with what
    was typed (its marks included) first; each once."""
    f, low, out, later = fold(typed), nfc(typed).lower(), [], []
    for folded, word in pool:
        if folded.startswith(f) and word.lower() != low:
            (out if word.lower().startswith(low) else later).append(word)
            if len(out) >= limit:
                break
    return list(dict.fromkeys(out + later))[:limit]


def _names(text: str, memory: list[str], limit: int) -> list[str]:
    head, _, typed = text.rpartition(" ")
    if not typed or not typed[0].isalpha():
        return []
    first = not head.strip()
    upper_hint = bool(head.strip()) and head.strip().isupper()
    words = Counter(w for v in memory for i, w in enumerate(v.split()) if (i == 0) == first)
    own = [(fold(w), w) for w, _ in words.most_common()]
    pool = own + (_family() if first else _syllables())
    found = _rank(typed, pool, limit)
    return [f"{head} {_cased(w, typed, upper_hint)}".lstrip() for w in found]


def _places(text: str, province: str | None, limit: int) -> list[str]:
    head, comma, typed = text.rpartition(",")
    typed = typed.lstrip()
    prefix = ""
    if not comma and fold(typed).startswith(fold(_AUTHORITY)):
        prefix, typed = typed[:len(_AUTHORITY)], typed[len(_AUTHORITY):]
    f = fold(typed)
    if len(f) < 3:
        return []
    hits = [u for u in _units() if u.folded.startswith(f) or u.bare.startswith(f)]
    hits.sort(key=lambda u: (u.province != province, -len(u.chain), u.folded))
    out = []
    first = not comma and not prefix
    for u in hits[:limit * 3]:
        parts = [p if i == 0 and first else p[:1].lower() + p[1:] for i, p in enumerate(u.chain)]
        parts[0] = parts[0] if first else parts[0][:1].lower() + parts[0][1:]
        start = f"{head}{comma} " if comma else prefix
        out.append(f"{start}{', '.join(parts)}")
    return list(dict.fromkeys(out))[:limit]


def complete(field: str, text: str, *, memory: list[str] = (), province: str | None = None,
             limit: int = LIMIT) -> list[str]:
    """Whole values that complete ``text`` in ``field``; ``memory``: values keyed earlier in the same book for
    this field (most frequent first); ``province``: the book's province (unit key) to rank places."""
    text = nfc(text)
    if not text.strip() or field in FIGURE_FIELDS:
        return []
    f = fold(text)
    found = [v for v in dict.fromkeys(memory) if fold(v).startswith(f) and v != text][:limit]
    if field in CHOICES:
        found += [v for v in CHOICES[field] if fold(v).startswith(f) and v != text]
    elif field in NAME_FIELDS:
        found += _names(text, list(memory), limit)
    elif field in PLACE_FIELDS:
        found += _places(text, province, limit)
    return list(dict.fromkeys(found))[:limit]


def province_of(authority: str | None) -> str | None:
    """The unit key of the province an authority's address names ("…, tỉnh Quảng Ngãi" → "quangngai")."""
    if not authority or "," not in authority:
        return None
    return unit_key(authority.rsplit(",", 1)[1].strip()) or None
