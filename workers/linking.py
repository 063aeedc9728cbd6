"""Records of one person: a birth linked to the marriage and the death of the same person, and likely
duplicates (two records of one type for one person).

Candidates come from the search index (the person's name, folded, plus the year of birth when known), so
blocking costs one query per person. Each pair is scored 0..1 on name, date of birth, parents' names, gender
and place; pairs at or above ``SUGGEST_AT`` are stored as *suggested* for an officer to confirm or reject,
same-type pairs only at ``DUPLICATE_AT``. Re-running never overrides an officer's decision.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from domain.records import RecordType
from domain.text import edit_distance, fold
from index import SearchQuery
from index.base import MAX_QUERY_CHARS, MAX_QUERY_TERMS
from storage.models import Record
from storage.person_models import LinkKind, LinkStatus, PersonLink

from .context import Context

SUGGEST_AT = 0.75
DUPLICATE_AT = 0.9
CANDIDATES = 50
_WEIGHTS = {"name": 0.4, "dob": 0.3, "father": 0.1, "mother": 0.1, "gender": 0.05, "place": 0.05}
_DATE = re.compile(r"(\d{4})(?:-(\d\d)-(\d\d))?")


@dataclass(frozen=True, slots=True)
class Person:
    """One person named on a record: the child on a birth, the deceased, the husband or the wife."""

    record_id: str
    type: str
    role: str | None  # husband | wife on a marriage
    name: str
    dob: str = ""
    gender: str = ""
    father: str = ""
    mother: str = ""
    place: str = ""


def persons(record_id: str, rtype: str, f: dict) -> list[Person]:
    g = lambda k: str(f.get(k) or "").strip()  # noqa: E731
    if rtype == RecordType.BIRTH:
        return [Person(record_id, rtype, None, g("full_name"), g("date_of_birth"), g("gender"), g("father_name"),
                       g("mother_name"), g("place_of_birth"))]
    if rtype == RecordType.DEATH:
        return [Person(record_id, rtype, None, g("full_name"), g("date_of_birth"), g("gender"),
                       place=g("place_of_death"))]
    if rtype == RecordType.MARRIAGE:
        return [Person(record_id, rtype, "husband", g("husband_name"), g("husband_date_of_birth"), "male",
                       place=g("husband_residence")),
                Person(record_id, rtype, "wife", g("wife_name"), g("wife_date_of_birth"), "female",
                       place=g("wife_residence"))]
    return []


# -- scoring --------------------------------------------------------------------------------------------


def name_similarity(a: str, b: str) -> float | None:
    """1 for the same name ignoring case and diacritics, 0.85 one OCR slip apart, else shared words."""
    fa, fb = " ".join(fold(a).split()), " ".join(fold(b).split())
    if not fa or not fb:
        return None
    if fa == fb:
        return 1.0
    if edit_distance(fa, fb) <= 1:
        return 0.85
    wa, wb = set(fa.split()), set(fb.split())
    return 0.6 * len(wa & wb) / len(wa | wb)


def date_similarity(a: str, b: str) -> float | None:
    ma, mb = _DATE.search(a or ""), _DATE.search(b or "")
    if not ma or not mb:
        return None
    if ma.group(1) != mb.group(1):
        return 0.0
    if ma.group(2) and mb.group(2):
        return 1.0 if ma.groups() == mb.groups() else 0.1
    return 0.6  # the same year; one of them gives no day


def _place_similarity(a: str, b: str) -> float | None:
    wa, wb = set(fold(a).split()), set(fold(b).split())
    return len(wa & wb) / len(wa | wb) if wa and wb else None


def score(a: Person, b: Person) -> float:
    """0..1. A different gender, or a different full date of birth, rules the pair out (or nearly)."""
    if a.gender and b.gender and a.gender != b.gender:
        return 0.0
    parts = {
        "name": name_similarity(a.name, b.name),
        "dob": date_similarity(a.dob, b.dob),
        "father": name_similarity(a.father, b.father),
        "mother": name_similarity(a.mother, b.mother),
        "gender": 1.0 if a.gender and a.gender == b.gender else None,
        "place": _place_similarity(a.place, b.place),
    }
    if not parts["name"]:
        return 0.0
    known = {k: v for k, v in parts.items() if v is not None}
    total = sum(_WEIGHTS[k] * v for k, v in known.items()) / sum(_WEIGHTS[k] for k in known)
    if parts["dob"] is None:  # a name alone is not enough to be sure
        total = min(total, 0.8)
    elif parts["dob"] < 0.5:
        total *= 0.5
    return round(total, 3)


def _kind(a: Person, b: Person) -> tuple[LinkKind, Person, Person] | None:
    """The kind of link and its ordered pair (the birth first), or None for pairs we do not link."""
    if a.type == b.type:
        if a.role != b.role:
            return None
        return (LinkKind.DUPLICATE, a, b) if a.record_id < b.record_id else (LinkKind.DUPLICATE, b, a)
    pair = {a.type: a, b.type: b}
    birth = pair.get(RecordType.BIRTH)
    if birth is None:
        return None
    other = b if birth is a else a
    return (LinkKind.BIRTH_MARRIAGE if other.type == RecordType.MARRIAGE else LinkKind.BIRTH_DEATH), birth, other


# -- candidates and storing -----------------------------------------------------------------------------
def _candidates(person: Person, ctx: Context) -> Iterator[Person]:
    year = m.group(1) if (m := _DATE.search(person.dob)) else ""
    # A name OCR read as a whole paragraph would pass the search bounds: its first words are the name's.
    name = " ".join(person.name.split()[:MAX_QUERY_TERMS - 1])[:MAX_QUERY_CHARS - len(year) - 10]
    query = SearchQuery(text=year, fields={"name": name}, limit=CANDIDATES)
    for hit in ctx.index.search(query).hits:
        if hit.record_id != person.record_id:
            yield from (p for p in persons(hit.record_id, hit.type, hit.fields) if p.name)


def _pair_scores(records: Iterable[Record], ctx: Context) -> dict[tuple[str, str, str], tuple[float, str | None]]:
    found: dict[tuple[str, str, str], tuple[float, str | None]] = {}
    for r in records:
        for person in persons(r.id, r.type, r.fields):
            if not person.name:
                continue
            for other in _candidates(person, ctx):
                kinded = _kind(person, other)
                if kinded is None:
                    continue
                kind, first, second = kinded
                value = score(first, second)
                if value < (DUPLICATE_AT if kind == LinkKind.DUPLICATE else SUGGEST_AT):
                    continue
                key = (first.record_id, second.record_id, kind.value)
                if value > found.get(key, (0.0, None))[0]:
                    found[key] = (value, second.role or first.role)
    return found


def _store(s: Session, record_ids: list[str], found: dict[tuple[str, str, str], tuple[float, str | None]]) -> int:
    existing = {(link.record_a, link.record_b, link.kind): link for link in s.scalars(
        select(PersonLink).where(or_(PersonLink.record_a.in_(record_ids), PersonLink.record_b.in_(record_ids))))}
    for key, link in existing.items():  # suggestions that no longer hold go; decisions stay
        if key not in found and link.status == LinkStatus.SUGGESTED:
            s.delete(link)
    for (a, b, kind), (value, role) in found.items():
        link = existing.get((a, b, kind))
        if link is None:
            s.add(PersonLink(record_a=a, record_b=b, kind=kind, role=role, score=value, status=LinkStatus.SUGGESTED))
        elif link.status == LinkStatus.SUGGESTED:
            link.score, link.role = value, role
    return len(found)


def link_records(record_ids: list[str], ctx: Context) -> int:
    """Suggest links for these (indexed) records. Returns how many links they now have above the threshold."""
    if not record_ids:
        return 0
    with ctx.db.session() as s:
        records = list(s.scalars(select(Record).where(Record.id.in_(record_ids), Record.type != RecordType.LAND)))
    found = _pair_scores(records, ctx)
    with ctx.db.session() as s:
        return _store(s, [r.id for r in records], found)


def link_batch(batch_id: str, ctx: Context) -> int:
    with ctx.db.session() as s:
        ids = list(s.scalars(select(Record.id).where(Record.batch_id == batch_id)))
    return link_records(ids, ctx)
