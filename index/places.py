"""A place as written, named in the other era of the July 2025 reorganisation (63 → 34 provinces, districts
abolished, ~10,000 wards merged into 3,321), so a search in either era's names finds it.

* Parsing uses the ``vietnamadminunits`` package (``parse_address`` in both modes). Its parser is eager — it
  will read "UBND xã Tân Phú" as *Huyện An Phú, An Giang* — so a reading is kept only where each unit's name
  really stands in the text, as whole words, not behind another level's type word ("phường Hải Châu" is not
  *Quận Hải Châu*).
* Old → new uses the package's conversion tables (``converter_2025.json``): a ward that went whole into one
  new ward gives that ward; a ward split between several gives **all** of them (a candidate set — the
  package's own ``convert_address`` would pick one, by geocoding over the network).
* New → old is the same tables inverted: every old ward that went, wholly or partly, into the new one.

A name valid in both eras (all 34 new provinces kept an old name) is read both ways. A province named alone
is only translated old → new: "Đà Nẵng" on a 2026 extract would otherwise make every Đà Nẵng record match
"Quảng Nam". Everything is loaded on first use and cached; nothing here needs ``../shared``. What a place's
unit part gives is also kept on disk (:func:`remember_in`), so a batch of places read before never loads the
parser.
"""
from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
import types
from collections import defaultdict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import NamedTuple

from domain.gazetteer import package_data
from domain.text import fold, nfc, normalize

from .analysis import Memo, folded_token, folded_tokens, tokens, word_tokens
from .places_seen import PlacesTable, SeenPlaces

LegacyKey = tuple[str, str, str]  # the package's keys: ("thanhphodanang", "quanhaichau", "phuongthachthang")
NewKey = tuple[str, str]  # ("thanhphodanang", "phuonghaichau")

# Unit-type words (folded) and their usual abbreviations, per level.
_TYPES = {
    "province": {"tinh", "thanh pho", "tp"},
    "district": {"quan", "huyen", "thi xa", "thanh pho", "tp", "q", "h", "tx"},
    "ward": {"phuong", "xa", "thi tran", "dac khu", "p", "x", "tt"},
}
_ALL_TYPES = set().union(*_TYPES.values())
# Each type word's level, the lowest where it names two ("thành phố": a province, or a city in one).
_LEVEL: dict[str, int] = {}
for _level, _kind in enumerate(("ward", "district", "province")):
    for _word in _TYPES[_kind]:
        _LEVEL.setdefault(_word, _level)


@dataclass(frozen=True, slots=True)
class LegacyUnit:
    province: str  # full names as the gazetteer writes them: "Thành phố Đà Nẵng"
    district: str  # "Quận Hải Châu"
    ward: str  # "Phường Thạch Thang"


@dataclass(frozen=True, slots=True)
class NewUnit:
    province: str
    ward: str


@dataclass(frozen=True, slots=True)
class Reading:
    """What a written place names in one era; units not named (or not verifiably named) are None."""

    era: str  # "legacy" | "2025"
    province: str
    district: str | None = None
    ward: str | None = None


class _Tables:
    def __init__(self, data_dir: Path) -> None:
        with closing(sqlite3.connect(f"file:{data_dir / 'dataset.db'}?mode=ro", uri=True)) as conn:
            legacy = conn.execute("SELECT DISTINCT provinceKey, districtKey, wardKey, province, district, ward "
                                  "FROM admin_units_legacy").fetchall()
            current = conn.execute("SELECT DISTINCT provinceKey, wardKey, province, ward FROM admin_units").fetchall()
        self.legacy: dict[LegacyKey, LegacyUnit] = {(p, d, w): LegacyUnit(pn, dn, wn) for p, d, w, pn, dn, wn in legacy}
        self.current: dict[NewKey, NewUnit] = {(p, w): NewUnit(pn, wn) for p, w, pn, wn in current}
        self.province_names = {p: u.province for (p, _, _), u in self.legacy.items()}
        self.province_names.update({p: u.province for (p, _), u in self.current.items()})
        self.district_wards: dict[tuple[str, str], list[LegacyKey]] = defaultdict(list)
        for key in self.legacy:
            self.district_wards[key[:2]].append(key)

        data = json.loads((data_dir / "converter_2025.json").read_text(encoding="utf-8"))
        self.province_to_new = {old: new for new, olds in data["DICT_PROVINCE"].items() for old in olds}
        old_to_new: dict[LegacyKey, set[NewKey]] = defaultdict(set)
        for new_p, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
            for new_w, olds in wards.items():
                for old in olds:
                    old_to_new[_split(old)].add((new_p, new_w))
        for new_p, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
            for old, parts in olds.items():
                old_to_new[_split(old)].update((new_p, part["newWardKey"]) for part in parts)
        new_to_old: dict[NewKey, set[LegacyKey]] = defaultdict(set)
        for old, news in old_to_new.items():
            for new in news:
                new_to_old[new].add(old)
        self.old_to_new = {k: tuple(sorted(v)) for k, v in old_to_new.items()}
        self.new_to_old = {k: tuple(sorted(v)) for k, v in new_to_old.items()}


def _split(key: str) -> LegacyKey:
    p, d, w = (key.split("_") + ["", ""])[:3]
    return p, d, w


@cache
def _tables() -> _Tables:
    return _Tables(package_data())


# -- conversion ---------------------------------------------------------------------------------------------
def legacy_to_2025(province: str, district: str, ward: str) -> tuple[NewUnit, ...]:
    """The 2025 ward(s) an old ward went into, by the package's keys; several for a partially split ward."""
    t = _tables()
    return tuple(t.current[k] for k in t.old_to_new.get((province, district, ward), ()) if k in t.current)


def to_legacy(province: str, ward: str) -> tuple[LegacyUnit, ...]:
    """The old wards (with their districts and provinces) that went, wholly or partly, into a 2025 ward."""
    t = _tables()
    return tuple(t.legacy[k] for k in t.new_to_old.get((province, ward), ()) if k in t.legacy)


def _district_to_2025(province: str, district: str) -> set[NewUnit]:
    return {u for key in _tables().district_wards.get((province, district), ()) for u in legacy_to_2025(*key)}


# -- reading a written place ------------------------------------------------------------------------------
def _named(words: list[str], name: str | None, level: str) -> bool:
    """Whether ``name`` (the unit's name without its type) stands in ``words`` as whole words, not right
    after a type word of another level. A bare number ("Phường 1") counts only after its type word."""
    if not name:
        return False
    target = _name_words(name)
    if not target or target[0] not in words:  # the usual answer, without the scan below
        return False
    n = len(target)
    for i in range(len(words) - n + 1):
        if words[i:i + n] != target:
            continue
        before = next((t for t in (" ".join(words[max(0, i - 2):i]), " ".join(words[max(0, i - 1):i]))
                       if t in _ALL_TYPES), None)
        if before is None and not (n == 1 and target[0].isdigit()) or before in _TYPES[level]:
            return True
    return False


@lru_cache(maxsize=65_536)  # unit names: a closed set (~14,000 units in both eras)
def _name_words(name: str) -> list[str]:
    return tokens(fold(name))


def _province_named(words: list[str], unit) -> bool:
    """The province's name, or one of the package's keywords for it ("hcm", "tphcm"), is written."""
    if _named(words, unit.short_province, "province"):
        return True
    return bool(_joins(words) & _keywords(unit.province_key))


def _joins(words: list[str]) -> set[str]:
    """Each word, and each two words written together: how the package's keywords for provinces are spelt."""
    return {"".join(words[i:i + k]) for k in (1, 2) for i in range(len(words))}


@cache
def _keywords(province_key: str) -> frozenset[str]:
    from vietnamadminunits.parser.parser_from_2025 import DICT_PROVINCE as NEW
    from vietnamadminunits.parser.parser_legacy import DICT_PROVINCE as OLD

    entry = OLD.get(province_key) or NEW.get(province_key) or {}
    return frozenset(entry.get("provinceKeywords") or ())


class _CompiledOnce(types.ModuleType):
    """``re`` for the package's parsers, compiling each pattern once. They build a pattern per district (and
    per ward list) on every call, about a thousand in all, and Python's own cache keeps 512: when indexing,
    recompiling was half the parser's time. The same patterns, so the same readings."""

    compile = staticmethod(lru_cache(maxsize=8192)(re.compile))
    escape = staticmethod(lru_cache(maxsize=65_536)(re.escape))  # keywords: a closed set

    def __getattr__(self, name: str) -> object:
        return getattr(re, name)


class _Unused(types.ModuleType):
    """Stands for one of the geocoding modules while the parser is imported: the package imports shapely and
    geopy at the top of its parser's helpers (≈ 0.4 s of CPU, half the import) for its converter's geocoding,
    which is never called here (``convert_address`` would geocode over the network). Its names are bound to
    stand-ins; ``ArcGIS()`` runs at import, so a stand-in may be called, and gives None."""

    def __getattr__(self, name: str) -> object:
        if name.startswith("__"):
            raise AttributeError(name)
        return lambda *args, **kwargs: None


_GEOCODING = ("shapely", "shapely.geometry", "geopy", "geopy.distance", "geopy.geocoders")


@cache
def _parser():
    """``vietnamadminunits.parse_address``, imported without its geocoding modules (:class:`_Unused`; the real ones
    stay importable, and are used where already imported), its parsers given :class:`_CompiledOnce` for ``re``."""
    absent = [name for name in _GEOCODING if name not in sys.modules]
    sys.modules.update({name: _Unused(name) for name in absent})
    try:
        from vietnamadminunits import parse_address
        from vietnamadminunits.parser import parser_from_2025, parser_legacy
    finally:
        for name in absent:
            sys.modules.pop(name, None)
    for module in (parser_legacy, parser_from_2025):
        module.re = _CompiledOnce("re")
    return parse_address


def read_place(text: str) -> tuple[Reading, ...]:
    """The verified readings of a written place in each era (none when no province can be told)."""
    parse_address = _parser()
    words = tokens(fold(text))
    if not words:
        return ()
    out = []
    old = parse_address(text, mode="LEGACY", keep_street=False, level=3)
    district_written = False
    if old.province_key and (_named(words, old.short_district, "district") or _province_named(words, old)):
        ward = old.ward_key if _named(words, old.short_ward, "ward") else None
        district_written = _named(words, old.short_district, "district")
        district = old.district_key if district_written or ward else None
        out.append(Reading("legacy", old.province_key, district, ward))
    if not district_written:  # a district written down means a pre-2025 place: districts no longer exist
        new = parse_address(text, mode="FROM_2025", keep_street=False, level=2)
        if new.province_key and (_province_named(words, new) or _named(words, new.short_ward, "ward")):
            ward = new.ward_key if _named(words, new.short_ward, "ward") else None
            out.append(Reading("2025", new.province_key, None, ward))
    return tuple(out)


def _names(units: Iterable[LegacyUnit | NewUnit]) -> set[str]:
    out: set[str] = set()
    for u in units:
        out.update(x for x in (u.province, getattr(u, "district", None), u.ward) if x)
    return out


# A written word folded, its dots dropped ("TP." → "tp"): what a unit-type word is known by. Words repeat.
_type_word = Memo(lambda w: folded_token(w).strip("."), 262_144).__getitem__
_PAIR_FIRST = frozenset(t.split()[0] for t in _ALL_TYPES if " " in t)  # "thanh" of "thanh pho"…


def _type_at(written: list[str], j: int) -> str | None:
    """The unit type ("xa", "thanh pho"…) that the words ``written`` name at ``j``, if any: a pair first."""
    word = _type_word(written[j])
    if word in _PAIR_FIRST and j + 1 < len(written):
        pair = f"{word} {_type_word(written[j + 1])}"
        if pair in _ALL_TYPES:
            return pair
    return word if word in _ALL_TYPES else None


def unit_part(text: str) -> str:
    """The address from the first unit-type word ("xã", "huyện", "tp"…) of the first comma-separated part
    that has one: what comes before (a house number, street, hamlet, "Ủy ban nhân dân", "Bệnh viện") names no
    unit. Addresses are millions, their unit parts a small closed set (~10,000 wards, a few ways of writing
    each): resolving those once each makes indexing many times cheaper.

    A type word inside a part ("Bệnh viện Đa khoa tỉnh Phú Yên, phường 4, …", "đường Xô Viết Nghệ Tĩnh,
    phường …", "Trạm Y tế xã Ea Ning, xã Ea Ning, …") names a hospital or a street, not where the address
    starts, when a later part starts with the type word of a unit no higher: an address goes from the ward up,
    so it starts there. (Otherwise every hospital and street made a unit part of its own, parsed again for each:
    an eighth of the bench's places.)"""
    parts = text.split(",")
    first: tuple[int, int, int] | None = None  # where the address starts: part, word, its unit's level
    for i, part in enumerate(parts):
        written = part.split()
        if first is None:
            for j in range(len(written)):
                if kind := _type_at(written, j):
                    first = (i, j, _LEVEL[kind])
                    break
        # Once found, only a later part opening with the type word of a unit no higher moves the start, and a
        # start at a part's first word is final.
        elif written and (kind := _type_at(written, 0)) and _LEVEL[kind] <= first[2]:
            first = (i, 0, _LEVEL[kind])
        if first is not None and first[1] == 0:
            break
    if first is None:
        return text
    i, j, _ = first
    if i == 0 and j == 0:
        return text
    return ", ".join([" ".join(parts[i].split()[j:]), *(p.strip() for p in parts[i + 1:])])


_seen: SeenPlaces | None = None
_table: PlacesTable | None = None


def remember_in(path: Path | None, table: Path | None = None) -> None:
    """Keep the unit parts read, and look them up first, in the file ``path`` (:mod:`index.places_seen`); None:
    in this process only. Then look them up in ``table``, the gazetteer's own forms read at set-up
    (:mod:`index.places_table`; None: none). ``index.open_index`` calls it, for either engine."""
    global _seen, _table
    if table != (_table.path if _table is not None else None):
        _table = PlacesTable(table) if table is not None else None
    if _seen is not None and _seen.path == path and _seen.writing:
        return  # already kept there (and not a forked copy): no second read of the file, the warm caches stay
    if _seen is not None:
        _seen.close()
    _seen = SeenPlaces(path) if path is not None else None
    _tokens_of_unit.cache_clear()
    place_tokens.cache_clear()


def sources() -> tuple[Path | None, Path | None]:
    """Where this process keeps the places read and finds the gazetteer's (None: nowhere), for the processes
    it starts."""
    return _seen.path if _seen is not None else None, _table.path if _table is not None else None


def _forsake_in_child() -> None:
    if _seen is not None:
        _seen.forsake()


os.register_at_fork(after_in_child=_forsake_in_child)


class PlaceTokens(NamedTuple):
    """What the index stores for a place: folded words, once each."""

    alternatives: tuple[str, ...]  # of its names in the other era (:func:`alternative_names`)
    own: tuple[str, ...]  # of its own units' names (:func:`_own_words`)


@lru_cache(maxsize=65_536)  # whole addresses repeat too (one family's residences): skip finding their unit part
def place_tokens(text: str) -> PlaceTokens:
    return _tokens_of_unit(_unit_key(text))


def _unit_key(text: str) -> str:
    # The parser compares lowercase letters, digits and commas only, and the checks after it lowercase words:
    # "Xã Cổ Loa" and "xã  Cổ Loa" read alike, so they share one reading (a fifth fewer parser calls).
    return " ".join(nfc(unit_part(text)).lower().split())


@lru_cache(maxsize=262_144)  # unit parts: a closed set
def _tokens_of_unit(unit_text: str) -> PlaceTokens:
    seen, table = _seen, _table
    alternatives = seen.get(unit_text) if seen is not None else None
    if alternatives is None and table is not None:
        alternatives = table.get(unit_text)
    if alternatives is None and table is not None and not _may_name_a_unit(unit_text, *table.names()):
        alternatives = ()  # no unit's name in it ("ủy ban nhân", "tại nhà"): the parser would read nothing
    if alternatives is None:
        alternatives = read_unit(unit_text)
        if seen is not None:
            seen.add(unit_text, alternatives)
    return PlaceTokens(alternatives, _own_words(unit_text))


def unit_names() -> tuple[set[str], set[str]]:
    """Every unit's name as ``read_place``'s checks look for it in a text — its words, without its type word
    ("cai be" of "Huyện Cái Bè") — in both eras and at every level, and the package's own words for provinces
    ("hcm", "tphcm"). A text holding none of them is read as no place (``read_place`` keeps a reading only where
    its unit's name stands in the text): set-up keeps them (``index.places_table``), so that such a text, which
    OCR makes of an office's name cut short, needs no parser."""
    _parser()
    from vietnamadminunits.parser import parser_from_2025, parser_legacy

    names: set[str] = set()
    keywords: set[str] = set()

    def gather(entries: object) -> None:
        if not isinstance(entries, dict):
            return
        for key, value in entries.items():
            if key == "provinceKeywords":
                keywords.update(value or ())
            elif isinstance(key, str) and key.endswith("Short") and isinstance(value, str):
                names.add(" ".join(_name_words(value)))
            else:
                gather(value)

    for module in (parser_legacy, parser_from_2025):
        for name in dir(module):
            if name.startswith("DICT_"):
                gather(getattr(module, name))
    names.discard("")
    return names, keywords


def _may_name_a_unit(unit_text: str, names: frozenset[str], keywords: frozenset[str]) -> bool:
    """Whether ``unit_text`` holds, as whole words, one of ``names`` or ``keywords`` (``unit_names``); True where
    there are none to look for."""
    if not names:
        return True
    words = tokens(fold(unit_text))
    return any(" ".join(words[i:i + n]) in names for n in range(1, _longest(names) + 1)
               for i in range(len(words) - n + 1)) or bool(_joins(words) & keywords)


@cache
def _longest(names: frozenset[str]) -> int:
    return max(n.count(" ") + 1 for n in names)


def read_unit(unit_text: str) -> tuple[str, ...]:
    """A unit part's tokens of its names in the other era, by the parser."""
    return tuple(dict.fromkeys(t for n in _alternative_names(unit_text) for t in folded_tokens(n)))


def gazetteer_forms(units: int | None = None) -> list[str]:
    """Every unit as the gazetteer writes it, keyed as ``place_tokens`` looks it up: a ward with its district and
    province, a district with its province, a district alone (a hospital's place: "Trung tâm Y tế thành phố Vĩnh
    Long"), a province; since 2025 a ward with its province. ``units``: the first so many units of each era
    only."""
    t = _tables()
    forms: dict[str, None] = {}
    for u in list(t.legacy.values())[:units]:
        for text in (f"{u.ward}, {u.district}, {u.province}", f"{u.district}, {u.province}", u.district, u.province):
            forms[_unit_key(text)] = None
    for n in list(t.current.values())[:units]:
        for text in (f"{n.ward}, {n.province}", n.province):
            forms[_unit_key(text)] = None
    return list(forms)


def _own_words(unit_text: str) -> tuple[str, ...]:
    """The units' names without the type word opening each unit ("xã", "thành phố"; only there: "Hà Tĩnh" keeps
    its "tinh") nor digits (never matched fuzzily): the words of a place a search should still find through a
    one-letter OCR slip (``index.analysis.marked``)."""
    out: dict[str, None] = {}
    for part in normalize(unit_text).lower().split(","):  # (tokens() per part would normalise each again)
        words = [folded_token(t) for t in word_tokens(part)]
        skip = 2 if " ".join(words[:2]) in _ALL_TYPES else 1 if words[:1] and words[0] in _ALL_TYPES else 0
        out.update(dict.fromkeys(w for w in words[skip:] if not w.isdigit()))
    return tuple(out)


def alternative_names(text: str) -> tuple[str, ...]:
    """Full names ("Phường Hải Châu", "Quận Hải Châu", "Thành phố Đà Nẵng") of the units ``text`` names, in
    the other era: every candidate of a partial split. Empty when nothing can be resolved."""
    return _alternative_names(unit_part(text))


@lru_cache(maxsize=4096)
def _alternative_names(text: str) -> tuple[str, ...]:
    readings = read_place(text)
    if not readings:  # ("tại nhà", an office's name cut short): no conversion tables to load (≈ 0.2 s of CPU)
        return ()
    t = _tables()
    names: set[str] = set()
    for r in readings:
        if r.era == "legacy":
            new_province = t.province_to_new.get(r.province)
            if r.ward:
                names |= _names(legacy_to_2025(r.province, r.district or "", r.ward))
            elif r.district:
                names |= _names(_district_to_2025(r.province, r.district))
            if new_province in t.province_names:
                names.add(t.province_names[new_province])
        elif r.ward:
            names |= _names(to_legacy(r.province, r.ward))
    return tuple(sorted(names))
