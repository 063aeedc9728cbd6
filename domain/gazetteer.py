"""Administrative units of both eras, from the ``vietnamadminunits`` package (its SQLite dataset):

* ``legacy`` — before 1 July 2025: 63 provinces, districts, ~10,000 wards/communes (3 levels);
* ``2025`` — from 1 July 2025: 34 provinces, 3,321 wards/communes, no districts (2 levels).

``check_place`` tells whether a written address ("Ấp 3, xã Hưng Phú, huyện Phước Long, tỉnh Bạc Liêu") names a
combination of units that exists in either era. Names are compared folded without spaces or unit types, as
the package's own keys are ("xã Hưng Phú" → "hungphu"). Loaded once, on first use (never at import).
"""
from __future__ import annotations

import importlib.util
import re
import sqlite3
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from pathlib import Path

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from domain.text import fold, tone_key

ERAS = ("legacy", "2025")
_PROVINCE = ("thanh pho", "tinh")
_DISTRICT = ("quan", "huyen", "thi xa", "thanh pho")
_WARD = ("phuong", "xa", "thi tran", "dac khu")
_TYPES = sorted({*_PROVINCE, *_DISTRICT, *_WARD}, key=lambda t: (-len(t), t))  # longest first
_TYPE_SPELLING = {fold(t): t for t in ("tỉnh", "thành phố", "quận", "huyện", "thị xã", "phường", "xã", "thị trấn",
                                       "đặc khu")}
# A unit's type word inside one comma-separated part, after an optional "Ủy ban nhân dân" (an authority).
_UNIT = re.compile(rf"(?:^|\s)({'|'.join(_TYPES)})\s+")
_AUTHORITY = "uy ban nhan dan "  # "Ủy ban nhân dân xã …": an authority names its unit after these words
# A digit read for the letter it looks like, inside a name's word ("Sơn 1a", "B0 Trạch"): (before, digit, after).
_LOOKALIKE = re.compile(r"(?<!\w)([^\W\d_]*)([01])([^\W\d_]*)(?!\w)")
_LETTER = {"1": "L", "0": "O"}
_CAPITAL_I = re.compile(r"(?<![\w'])l(?=[^\W\d_]*(?![\w']))")  # a lowercase l opening a word of letters
_COMMA = re.compile(r"\s*,\s*")
_SPECK = re.compile(r"[^\w\s]")  # punctuation inside a name as read (a speck: "Quảng-Nam")
_SLIP_MIN = 5  # letters (folded, no spaces) a name needs before a letter slip in it is mended


def _lookalike_letters(part: str) -> str:
    """A comma part's unit name (after its type word) with each 0 or 1 inside a word read as O or L, and a word's
    first lowercase l as the capital I it looks like (names are capitalised: "xã la Đal" is xã Ia Đal); the rest
    of the part ("Thôn 1a") as written."""
    m = _UNIT.search(fold(part))
    if not m:
        return part

    def letter(d: re.Match) -> str:
        if not (d.group(1) or d.group(3)):
            return d.group(0)  # a number of its own: "Phường 1"
        return d.group(1) + (_LETTER[d.group(2)].lower() if d.group(1) else _LETTER[d.group(2)]) + d.group(3)

    return part[:m.end()] + _CAPITAL_I.sub("I", _LOOKALIKE.sub(letter, part[m.end():]))


def _apart(folded: str) -> str:
    """Letters and digits with anything else between them as one space."""
    return re.sub(r"[\W_]+", " ", folded).strip()


def _untyped(folded: str) -> str:
    """'thanh pho dong trieu' → 'dong trieu'."""
    for t in _TYPES:
        if folded.startswith(t + " "):
            return folded[len(t) + 1:]
    return folded


def _bare(written: str) -> str:
    """'Thành phố Đông Triều' → 'Đông Triều' (the name as written, its type dropped)."""
    return written[len(written) - len(_untyped(fold(written))):]


def _levels(unit: str) -> tuple[str, ...]:
    """The levels a (folded) type word names: a city is a province or a district."""
    return ("p", "d") if unit == "thanh pho" else ("p",) if unit == "tinh" else ("w",) if unit in _WARD else ("d",)


def _type_as(written: str) -> str:
    """A unit's type word with its marks, in the case it was read in: OCR's "tinh" → tỉnh, "THÁNH PHÓ" → THÀNH
    PHỐ, "Huyen" → Huyện."""
    def cased(right: str, read: str) -> str:
        return right.upper() if read.isupper() else right.capitalize() if read[:1].isupper() else right

    return " ".join(map(cased, _TYPE_SPELLING[_apart(fold(written))].split(), written.split()))


def key(name: str) -> str:
    """'Phường Phúc Xá' → 'phucxa' (type dropped, folded, letters and digits only)."""
    return re.sub(r"[^a-z0-9]", "", _untyped(fold(name or "").strip()))


def package_data() -> Path:
    """The ``vietnamadminunits`` package's data folder (its SQLite dataset and conversion tables), found
    without importing the package: the import also loads its address parsers, which take seconds."""
    spec = importlib.util.find_spec("vietnamadminunits")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the vietnamadminunits package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@dataclass(frozen=True, slots=True)
class PlaceCheck:
    """What a written place resolves to. ``eras``: the eras in which its units exist together."""

    province: str | None
    district: str | None
    ward: str | None
    eras: tuple[str, ...]

    @property
    def known(self) -> bool:
        return bool(self.eras)


class Gazetteer:
    def __init__(self, legacy: list[dict], current: list[dict]) -> None:
        self.legacy = legacy
        self.current = current
        self._legacy: set[tuple[str, str, str]] = set()
        self._current: set[tuple[str, str]] = set()
        self._spelling: dict[tuple[str, str], str] = {}  # (level, key path) → name as the dataset writes it
        of = cache(key)  # a province's name comes 150 times, a district's 15: each folded once
        for r in legacy:
            p, d, w = of(r["province"]), of(r["district"]), of(r["ward"])
            self._legacy.add((p, d, w))
            self._spelling.update({("p", p): r["province"], ("d", f"{p}/{d}"): r["district"],
                                   ("w", f"{p}/{d}/{w}"): r["ward"]})
        for r in current:
            p, w = of(r["province"]), of(r["ward"])
            self._current.add((p, w))
            self._spelling.setdefault(("p", p), r["province"])
            self._spelling.setdefault(("w", f"{p}//{w}"), r["ward"])
        # Per level, each name's key → the name as the dataset writes it, type dropped: where a name misread by a
        # letter is looked for (``_one_slip``).
        self._names: dict[str, dict[str, str]] = {"p": {}, "d": {}, "w": {}}
        for (level, path), written in self._spelling.items():
            if written:
                self._names[level].setdefault(path.rsplit("/", 1)[-1], _bare(written))
        self._legacy_pd = {(p, d) for p, d, _ in self._legacy}
        self._legacy_pw = {(p, w) for p, _, w in self._legacy}
        self.provinces = {"legacy": {p for p, _, _ in self._legacy}, "2025": {p for p, _ in self._current}}

    @classmethod
    def load(cls, built: Path | None = None) -> Gazetteer:
        """From ``built`` (``BUILT``: what set-up wrote, ``write_built``) where it is current, else read anew."""
        return _read_built(built or BUILT) or cls.read()

    @classmethod
    def read(cls) -> Gazetteer:
        """From the package's dataset."""
        with closing(sqlite3.connect(f"file:{package_data() / 'dataset.db'}?mode=ro", uri=True)) as conn:
            conn.row_factory = sqlite3.Row
            legacy = [dict(r) for r in conn.execute(
                "SELECT DISTINCT province, district, ward, provinceCode, districtCode, wardCode "
                "FROM admin_units_legacy")]
            current = [dict(r) for r in conn.execute(
                "SELECT DISTINCT province, ward, provinceCode, wardCode FROM admin_units")]
        return cls(legacy, current)

    def phrases(self) -> list[str]:
        """Every unit's full name as written ("Phường Phúc Xá", "Huyện Phước Long"), for dictionaries."""
        out = set()
        for r in self.legacy:
            out.update((r["province"], r["district"], r["ward"]))
        for r in self.current:
            out.update((r["province"], r["ward"]))
        return sorted(x for x in out if x)

    @cached_property
    def _by_fold(self) -> dict[str, set[str]]:
        """Each unit's full name folded ("xa hien khanh") → the ways the dataset writes it ("Xã Hiển Khánh")."""
        out: dict[str, set[str]] = {}
        for name in self.phrases():
            out.setdefault(fold(name), set()).add(name)
        return out

    def unit_marks(self, text: str) -> str | None:
        """``text`` (a unit's type word and name, alone: "XÃ HIẾN KHÁNH", its marks perhaps misread) written with
        the marks of the one unit so named, in ``text``'s case (``text`` itself where only the tone's place differs,
        "HOÀ" for "Hòa": as printed); None where no unit, or more than one ("Xã Cát Tiên", "Xã Cát Tiến"), is."""
        found = self._by_fold.get(fold(text))
        if not found or len(found) > 1:
            return None
        (name,) = found
        if tone_key(name) == tone_key(text):
            return text
        return name.upper() if text.isupper() else name

    def check_place(self, text: str) -> PlaceCheck:
        """Split an address at commas, take unit names by their type words from the end, and look the
        combination up in both eras."""
        province = district = ward = None
        for part in reversed([p.strip() for p in text.split(",") if p.strip()]):
            f = fold(part)
            if f.startswith(_AUTHORITY):
                f, part = f[len(_AUTHORITY):], part[len(_AUTHORITY):]
            if province is None and f.startswith(_PROVINCE):
                province = key(part)
            elif district is None and ward is None and f.startswith(_DISTRICT):
                district = key(part)
            elif ward is None and f.startswith(_WARD):
                ward = key(part)
        if province is None and text.strip():  # "…, Hà Nội": the last part without its type
            last = key(text.split(",")[-1])
            if last in self.provinces["legacy"] | self.provinces["2025"]:
                province = last
        eras = []
        if province and self._legacy_ok(province, district, ward):
            eras.append("legacy")
        if province and not district and (ward is None and province in self.provinces["2025"]
                                           or (province, ward) in self._current):
            eras.append("2025")
        return PlaceCheck(province, district, ward, tuple(eras))

    def respell(self, text: str) -> str:
        """``text`` with each unit name of a known combination written as the dataset writes it, where what was
        read has the same letters but other marks (OCR's "xã Sơn Tĩnh" for xã Sơn Tinh) or a speck between its
        words ("tỉnh Quảng-Nam"). A combination known only once a digit inside a name is read as the letter it
        looks like is taken so ("tỉnh Sơn 1a" → Sơn La), as is one without a comma a speck put inside a name
        (``_comma_inside``: "phường Kỳ, Phương"), a name one letter away (``_one_slip``), and names each a letter
        from one of their parent's own units (``_slips_under``: "phường Hưng Dãng, thành phố Xinh"). The units' type
        words take their marks ("tinh Quảng Ninh" → tỉnh), names in neither capitals nor title case the dataset's
        case ("VỊ Xuyên" → Vị Xuyên). Tone placement (hoà/hòa), case and everything else are kept as written."""
        check = self.check_place(text)
        if not check.known:
            looked = ",".join(_lookalike_letters(part) for part in text.split(","))
            if looked != text and (check := self.check_place(looked)).known:
                text = looked
            elif (joined := self._comma_inside(text, check)) is not None:
                text, check = joined, self.check_place(joined)
            elif (slipped := self._one_slip(text) or self._slips_under(text)) is not None:
                text, check = slipped, self.check_place(slipped)
            else:
                return text
        p, d, w = check.province, check.district or "", check.ward or ""
        wanted = {"p": self._spelling.get(("p", p)), "d": self._spelling.get(("d", f"{p}/{d}")),
                  "w": self._spelling.get(("w", f"{p}/{d}/{w}"))}
        parts = text.split(",")
        for i, part in enumerate(parts):
            m = _UNIT.search(fold(part))
            if not m:
                continue
            level, *other = _levels(m.group(1))
            if other:  # a city: the province or the district, whichever it names
                level = "p" if key(part[m.start(1):]) == p else "d"
            part = parts[i] = part[:m.start(1)] + _type_as(part[m.start(1):m.end(1)]) + part[m.end(1):]
            right = wanted.get(level)
            if not right:
                continue
            name = part[m.end():].strip()
            right_name = right[len(right) - len(name):] if len(right) >= len(name) else ""
            if fold(right_name) != fold(name):
                # Other letters are left; the same letters with a speck between the words ("Quảng-Nam") or a space
                # lost ("Đăk RơÔng") are the dataset's name.
                right_name = _bare(right)
                lost_space = len(name.split()) < len(right_name.split())
                if key(right_name) != key(name) or not (_SPECK.search(name) or lost_space):
                    continue
            elif tone_key(right_name) == tone_key(name) and (name.isupper() or name.istitle()):
                continue  # as written (a tone placement of its own); a capital misread ("VỊ Xuyên", "kon Tum") is not
            if name.isupper():
                right_name = right_name.upper()
            parts[i] = part[:m.end()] + part[m.end():].replace(name, right_name, 1)
        return ",".join(parts)

    def _comma_inside(self, text: str, check: PlaceCheck) -> str | None:
        """``text`` (whose check is ``check``) without a comma read inside a unit's name (a speck after a word:
        "phường Kỳ, Phương"), where taking that one out makes the combination known with the same units named, and
        no other does; None otherwise. (Without a separator's comma a unit may no longer be read as one: "Thôn 5
        xã Aa, huyện B" names no commune, and a known district then says nothing of the commune's misread name.)"""
        def levels(c: PlaceCheck) -> tuple[bool, ...]:
            return c.province is not None, c.district is not None, c.ward is not None

        named = levels(check)
        found = {joined for m in _COMMA.finditer(text)
                 if (c := self.check_place(joined := f"{text[:m.start()]} {text[m.end():]}")).known
                 and levels(c) == named}
        return found.pop() if len(found) == 1 else None

    def _one_slip(self, text: str) -> str | None:
        """``text`` with one unit's name replaced by the dataset's name one letter away (one changed, dropped or
        added: OCR's "thành phố Đông Tyiều" for Đông Triều), where that makes the combination known and no other
        such replacement does; None otherwise. Names of fewer than ``_SLIP_MIN`` letters are left: one letter
        away from a short name lie many others."""
        parts = text.split(",")
        found: set[str] = set()
        for i, part in enumerate(parts):
            m = _UNIT.search(fold(part))
            name = part[m.end():].strip() if m else ""
            if len(k := key(name)) < _SLIP_MIN:
                continue
            for level in _levels(m.group(1)):
                names = self._names[level]
                for near, distance, _ in process.extract(k, names.keys(), scorer=Levenshtein.distance,
                                                         score_cutoff=1, limit=None):
                    if distance:
                        right = names[near].upper() if name.isupper() else names[near]
                        fixed = ",".join([*parts[:i], part[:m.end()] + part[m.end():].replace(name, right, 1),
                                          *parts[i + 1:]])
                        if self.check_place(fixed).known:
                            found.add(fixed)
        return found.pop() if len(found) == 1 else None

    def _slips_under(self, text: str) -> str | None:
        """``text`` with each unit's name that its parent does not hold replaced by the one name a letter away
        among that parent's own units ("phường Hưng Dãng, thành phố Xinh, tỉnh Nghệ An": Vinh among Nghệ An's
        districts, then Hưng Dũng among Vinh's wards), where that makes the combination known; None otherwise.
        Among a parent's few units a short name's slip is seldom ambiguous, as it is among the whole country's, and
        two units misread are mended together, which ``_one_slip`` cannot."""
        parts = text.split(",")
        where = self._parts(parts)
        if "p" not in where:
            return None
        written = {level: parts[i][m_end:].strip() for level, (i, m_end) in where.items()}
        names = {level: key(name) for level, name in written.items()}

        def spelled(level: str, path: str) -> Callable[[str], str]:  # a unit's name under its parent, as written
            return lambda k: _bare(self._spelling.get((level, f"{path}{k}")) or self._names[level][k])

        p = _near(names["p"], self.provinces["legacy"] | self.provinces["2025"], written["p"], spelled("p", ""))
        if p is None:
            return None
        d = None
        if "d" in where and (d := _near(names["d"], self._districts.get(p, set()), written["d"],
                                        spelled("d", f"{p}/"))) is None:
            return None
        paths = {"p": "", "d": f"{p}/", "w": f"{p}/{d or ''}/"}  # where each level's names are kept under
        w = None
        if "w" in where and (w := _near(names["w"], self._wards.get((p, d), set()), written["w"],
                                        spelled("w", paths["w"]))) is None:
            return None
        for level, new in (("p", p), ("d", d), ("w", w)):
            if level in where and new != names[level]:
                i, m_end = where[level]
                parts[i] = parts[i][:m_end] + spelled(level, paths[level])(new)
        fixed = ",".join(parts)
        return fixed if self.check_place(fixed).known else None

    def _parts(self, parts: list[str]) -> dict[str, tuple[int, int]]:
        """Which comma part names the province, the district and the ward, as ``check_place`` takes them: level →
        (the part's place, where its name starts in it)."""
        where: dict[str, tuple[int, int]] = {}
        for i in range(len(parts) - 1, -1, -1):
            f = fold(parts[i])
            m = _UNIT.search(f)
            if not m or f[:m.start(1)].strip() not in ("", _AUTHORITY.strip()):
                continue
            unit = m.group(1)
            if "p" not in where and unit in _PROVINCE:
                where["p"] = (i, m.end())
            elif "d" not in where and "w" not in where and unit in _DISTRICT:
                where["d"] = (i, m.end())
            elif "w" not in where and unit in _WARD:
                where["w"] = (i, m.end())
        return where

    @cached_property
    def _districts(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for p, d in self._legacy_pd:
            out.setdefault(p, set()).add(d)
        return out

    @cached_property
    def _wards(self) -> dict[tuple[str, str | None], set[str]]:
        """(province, district) → its wards; (province, None) → the province's wards of either era."""
        out: dict[tuple[str, str | None], set[str]] = {}
        for p, d, w in self._legacy:
            out.setdefault((p, d), set()).add(w)
            out.setdefault((p, None), set()).add(w)
        for p, w in self._current:
            out.setdefault((p, None), set()).add(w)
        return out

    def _legacy_ok(self, province: str, district: str | None, ward: str | None) -> bool:
        if district and ward:
            return (province, district, ward) in self._legacy
        if district:
            return (province, district) in self._legacy_pd
        if ward:
            return (province, ward) in self._legacy_pw
        return province in self.provinces["legacy"]


def _near(read: str, names: set[str], written: str, spelled: Callable[[str], str]) -> str | None:
    """``read`` (a key) when it is one of ``names``, else the one name a letter away from it (three letters or
    more); of several, the one whose spelling (``spelled``) is nearest ``written`` (the name as read, marks and
    all), if one is ("Hưng Dãng": Hưng Dũng, a mark away, not Hưng Đông, two)."""
    if read in names:
        return read
    if len(read) < 3:
        return None
    near = [n for n, _, _ in process.extract(read, names, scorer=Levenshtein.distance, score_cutoff=1, limit=None)]
    if len(near) > 1:
        marked = written.lower().replace(" ", "")
        by = sorted((Levenshtein.distance(marked, spelled(n).lower().replace(" ", "")), n) for n in near)
        near = [by[0][1]] if by[0][0] < by[1][0] else near
    return near[0] if len(near) == 1 else None


# The built gazetteer, written once by set-up (``python -m index places-table``) beside this module: reading the
# dataset and folding its 37,000 names takes ≈ 0.24 s of CPU in each process that checks a place (each pool worker
# of every book, each server process), loading it ≈ 0.04 s. Current only for the version it was built with (the
# package's, and this module's source); else the dataset is read as before.
BUILT = Path(__file__).with_name("gazetteer.pickle")


def data_version(sources: Iterable[Path]) -> str:
    """What data built from the package's dataset depends on: the package's version and the ``sources`` that read
    it (this gazetteer's, ``index.places_seen``'s table of places)."""
    import hashlib
    import importlib.metadata

    digest = hashlib.sha256()
    for source in sources:
        digest.update(source.read_bytes())
    return f"vietnamadminunits {importlib.metadata.version('vietnamadminunits')}; {digest.hexdigest()[:16]}"


@cache  # (the module's source does not change under a running process; loading and writing both ask)
def _built_version() -> str:
    return data_version([Path(__file__)])


def _read_built(path: Path) -> Gazetteer | None:
    import pickle

    try:
        with path.open("rb") as f:
            version, state = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError):
        return None  # not built, or cut short: read anew
    if version != _built_version():
        return None
    made = Gazetteer.__new__(Gazetteer)
    made.__dict__.update(state)
    return made


def write_built(path: Path = BUILT) -> None:
    """Set-up's step: the gazetteer read anew and written to ``path`` (replaced whole), unless it is current."""
    import os
    import pickle

    if _read_built(path) is not None:
        return
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as f:
        pickle.dump((_built_version(), Gazetteer.read().__dict__), f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)  # a process loading it meanwhile reads the old file or the new one, never half


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def check_place(text: str) -> PlaceCheck:
    return gazetteer().check_place(text)


def unit_marks(text: str) -> str | None:
    return gazetteer().unit_marks(text)


@lru_cache(maxsize=4096)  # a register repeats its authority and places entry after entry
def respell_place(text: str) -> str:
    return gazetteer().respell(text)
