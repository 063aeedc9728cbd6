"""The documents both engines index are exactly what a plain, uncached analysis of each value gives.

Indexing builds each document's token strings from caches (whole values, tokens, places' unit parts) and the
place parser runs with its patterns compiled once; this checks, on generated records and on awkward values,
that none of it changes a token or the stored payload against a straightforward reference written
from the definitions (``domain.text``) and the place parser as the package ships it.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import signal
import unicodedata
from pathlib import Path

import pytest
from rapidfuzz.distance import Levenshtein

from domain.records import FIELDS, NAME_FIELDS, PLACE_FIELDS
from domain.text import fold, normalize, tone_key
from index import analysis, places
from index.base import IndexDoc
from samples import generate_records


def _text(value: object) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _tokens(value: object) -> list[str]:
    return re.findall(r"\w+", normalize(_text(value)).lower())


def _alternatives(place: str) -> list[str]:
    """The other era's names of a place, read by the package's parser, with no cache on the way."""
    names = places._alternative_names.__wrapped__(places.unit_part(place))
    return [fold(t) for name in names for t in _tokens(name)]


def reference(doc: IndexDoc) -> dict[str, str]:
    out: dict[str, str] = {}
    every_x, every_f, name_f, fields = [], [], [], []
    for name, value in doc.fields.items():
        toks = _tokens(value)
        exact, folded = " ".join(tone_key(t) for t in toks), " ".join(fold(t) for t in toks)
        if any(name in names for names in FIELDS.values()):  # a catalogue field: each word behind its code
            fields += [analysis.FIELD_CODES[name] + fold(t) for t in toks]
        if toks:
            every_x.append(exact)
            every_f.append(folded)
            if name in NAME_FIELDS:
                name_f.append(folded)
    alternatives = [t for f in sorted(PLACE_FIELDS & doc.fields.keys()) for t in _alternatives(_text(doc.fields[f]))]
    if alternatives:  # the other era's names of the places, once each, after what is written
        every_f.append(" ".join(dict.fromkeys(alternatives)))
    # then the words a misread letter is forgiven in, marked: names' and places' own, and names' short ones
    names = list(dict.fromkeys(" ".join(name_f).split()))
    own = [w for f in sorted(PLACE_FIELDS & doc.fields.keys()) for w in _own_words(_text(doc.fields[f]))]
    near_targets = [f"~{w}~" for w in dict.fromkeys(names + own) if re.fullmatch("[a-z0-9]+", w)]
    near_targets += [f"^{w}^" for w in names if len(w) <= 3 and re.fullmatch("[a-z0-9]+", w)]
    if near_targets:
        every_f.append(" ".join(near_targets))
    out["all_x"], out["all_f"] = " ".join(every_x), " ".join(every_f)
    out["name_f"] = " ".join(name_f)
    out["fields"] = " ".join(fields)
    return out


def _own_words(place: str) -> list[str]:
    """A place's words from its first unit on, without each unit's opening type word, nor digits."""
    words = []
    for part in places.unit_part(place).split(","):
        toks = [fold(t) for t in _tokens(part)]
        if " ".join(toks[:2]) in places._ALL_TYPES:
            toks = toks[2:]
        elif toks and toks[0] in places._ALL_TYPES:
            toks = toks[1:]
        words += [t for t in toks if not t.isdigit()]
    return words


AWKWARD = [
    IndexDoc("a1", "land", {
        "owner_names": ["Vũ Đình Khoa", "ĐINH THỊ LAN"],  # a list
        "area_m2": 120.5,  # a number
        "owner_birth_years": [1950, 1952],
        "parcel_number": None,
        "map_sheet_number": "",
        "registry_number": "CH01234",
        "issue_date": "1995-06-30",
        "issuing_authority": "UBND huyện Đông Anh, thành phố Hà Nội",
        "parcel_address": "Thôn Cổ Loa, xã Cổ Loa, huyện Đông Anh, thành phố Hà Nội",
        "owner_address": "Xã Cổ Loa, huyện Đông Anh, Hà Nội",
    }),
    IndexDoc("a2", "birth", {
        "full_name": unicodedata.normalize("NFD", "Nguyễn Thị Thuỷ"),  # decomposed, old tone placement
        "father_name": "\u00d0ỗ Văn Hòa",  # the look-alike Ð
        "mother_name": "  Trần   thị  Hoà ",
        "date_of_birth": "15-03-1998",
        "registration_number": "01/TLKS-BS",
        "book_number": "01_1998",
        "notes": "—",  # nothing but punctuation
        "place_of_birth": "Bệnh viện Đa khoa tỉnh Tiền Giang",
        "hometown": "phường Hải Châu, thành phố Đà Nẵng",
        "mother_residence": "phường Hải Châu, thành phố Đà Nẵng",  # the same place twice: its names once
        "father_residence": "Xã Hòa Liên, huyện Hòa Vang, thành phố Đà Nẵng",  # a partially split ward
        "registration_authority": "",
        "unknown_field": "Ấp An Phú",
    }),
    IndexDoc("a3", "death", {"full_name": "Lê Văn Tám", "place_of_death": "xã Tân Phú"}),  # no province
    IndexDoc("a4", "marriage", {}),
    IndexDoc("a5", "death", {"full_name": "Søren Łe Ny"}),  # letters no folding brings into a-z: never marked
]


def _generated(n: int, seed: int) -> list[IndexDoc]:
    out = []
    for rec in generate_records(n, seed=seed):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        out.append(IndexDoc(rid, rtype, {k: v for k, v in rec.items() if v not in (None, "")}))
    return out


def test_documents_match_the_reference_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = AWKWARD + _generated(1200, seed=13)
    built = [d.analysed() for d in docs]  # caches cold: the first sight of every value and place
    again = [d.analysed() for d in docs]  # caches warm
    monkeypatch.setattr(analysis, "_VALUES_MAX", 50)  # a cache that fills and is cleared as it goes
    analysis._VALUES.clear()
    churned = [d.analysed() for d in docs]
    assert len(analysis._VALUES) <= 50
    # The reference reads places with the parser as the package ships it: the standard ``re`` again.
    from vietnamadminunits.parser import parser_from_2025, parser_legacy

    monkeypatch.setattr(parser_legacy, "re", re)
    monkeypatch.setattr(parser_from_2025, "re", re)
    expected = [reference(d) for d in docs]
    for doc, new, warm, small, ref in zip(docs, built, again, churned, expected, strict=True):
        assert new == ref, doc.record_id
        assert warm == ref and small == ref, doc.record_id
    # The check has teeth: the generated records do carry places read in the other era, and names.
    assert sum(len(r["all_f"].split()) > len(r["all_x"].split()) for r in expected) > 300
    assert all(r["name_f"] for r in expected[len(AWKWARD):])
    marked = [[w for w in r["all_f"].split() if w[0] == "~"] for r in expected]
    assert sum(len(m) > len(r["name_f"].split()) for m, r in zip(marked, expected, strict=True)) > 300
    assert sum("^" in r["all_f"] for r in expected) > 300


def test_tantivy_documents_carry_the_reference_tokens_and_payload() -> None:
    import tantivy

    from index.tantivy_index import _values

    for doc in [*AWKWARD, *_generated(200, seed=14)]:
        got = tantivy.Document.from_dict(_values(doc)).to_dict()
        got["payload"] = [json.loads(p) for p in got["payload"]]
        want = {k: [v] for k, v in reference(doc).items()}
        want.update(record_id=[doc.record_id], type=[doc.type], batch_id=[doc.batch_id], status=[doc.status])
        want["payload"] = [{"fields": doc.fields, "source": doc.source}]
        if doc.year is not None:
            want["year"] = [doc.year]
        assert got == want, doc.record_id


def test_a_payload_orjson_refuses_is_written_by_the_standard_encoder() -> None:
    from index.tantivy_index import _values

    doc = IndexDoc("big", "land", {"area_m2": 2**70, "owner_names": ["Vũ Đình Khoa"]})
    assert json.loads(_values(doc)["payload"]) == {"fields": doc.fields, "source": {}}


def test_elasticsearch_sources_carry_the_reference_tokens() -> None:
    from index.es_index import _source

    for doc in [*AWKWARD, *_generated(200, seed=15)]:
        want = {"record_id": doc.record_id, "type": doc.type, "batch_id": doc.batch_id, "status": doc.status,
                "payload": {"fields": doc.fields, "source": doc.source}, **reference(doc)}
        if doc.year is not None:
            want["year"] = doc.year
        assert _source(doc) == want, doc.record_id


def _die(doc: IndexDoc) -> None:
    os._exit(3)  # a build process killed mid-load (out of memory, say)


def _built_in_a_daemon(n: int, out) -> None:
    from index.builders import Builders
    from index.tantivy_index import _values

    out.put(len(list(Builders(_values, workers=2).map(_generated(n, seed=18)))))


def test_a_daemonic_process_builds_its_documents_itself() -> None:
    """A daemonic process may not start processes (multiprocessing refuses): its loads are built in place."""
    import multiprocessing

    from index.builders import PARALLEL_MIN

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    child = ctx.Process(target=_built_in_a_daemon, args=(PARALLEL_MIN + 10, out), daemon=True)
    child.start()
    child.join(120)
    assert child.exitcode == 0 and out.get(timeout=5) == PARALLEL_MIN + 10


def test_documents_built_in_other_processes_are_the_same() -> None:
    """A bulk load's documents come from spawned processes (index.builders): in order, equal to those built
    here, for both engines; a process that dies makes the load fail, never hang."""
    from concurrent.futures.process import BrokenProcessPool

    from index.builders import PARALLEL_MIN, Builders
    from index.es_index import _source
    from index.tantivy_index import _values

    docs = [*AWKWARD, *_generated(PARALLEL_MIN + 300, seed=16)]
    for build in (_values, _source):
        builders = Builders(build, workers=2)
        try:
            got = list(builders.map(iter(docs)))
            assert builders._pool is not None  # spread, not built here
            for pid in builders._pool._processes:  # Ctrl-C is the caller's to handle: no traceback from each
                ignored = re.search(r"SigIgn:\s*([0-9a-f]+)", Path(f"/proc/{pid}/status").read_text()).group(1)
                assert int(ignored, 16) & (1 << (signal.SIGINT - 1))
        finally:
            builders.close()
        assert got == [build(d) for d in docs]
    one = Builders(_values, workers=1)  # a machine of one core: built here, all of them
    assert list(one.map(iter(docs))) == [_values(d) for d in docs] and one._pool is None
    builders = Builders(_die, workers=2)
    try:
        with pytest.raises(BrokenProcessPool):
            list(builders.map(docs))
    finally:
        builders.close()


def test_a_field_code_is_three_edits_from_every_other() -> None:
    """A fielded word is forgiven two edits at most: with a word after each code, another field's word is never
    that near (their marks' counts differ by six; words hold no marks)."""
    codes = list(analysis.FIELD_CODES.values())
    assert len(set(codes)) == len(codes) == len({f for fs in FIELDS.values() for f in fs})
    for a, b in itertools.combinations(codes, 2):
        assert Levenshtein.distance(a + "nguyen", b + "nguyen") >= 3
        assert Levenshtein.distance(a + "an", b + "anh") >= 3
    assert not any(re.search(r"\w", code) for code in codes)
