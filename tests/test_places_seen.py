"""index.places_seen: places read by one command are not read again by the next — its parser is never imported —
and what the next one indexes is the same; a changed version of the package or our code reads them afresh. The
same for the gazetteer's own forms read at set-up (index.places_table), from the first command on."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from domain.records import PLACE_FIELDS
from index import places
from samples import generate_records

# A command as `sohoa ingest` or `sohoa reindex` runs it: a Context over a home, its index opened, a record upserted
# for each place given. It prints whether the place parser was imported and the index's tokens for each place.
_COMMAND = """
import json, sys
from domain.settings import Settings
from index import places
from index.base import IndexDoc
from workers import Context

ctx = Context(Settings(home=sys.argv[1]))
given = json.loads(sys.argv[2])
ctx.index.upsert([IndexDoc(f"r{i}", "birth", {"full_name": "Nguyễn Văn An", "place_of_birth": p})
                  for i, p in enumerate(given)])
print(json.dumps({"parser": "vietnamadminunits" in sys.modules,
                  "tokens": {p: list(places.place_tokens(p).alternatives) for p in given}}))
ctx.close()
"""


def _places() -> list[str]:
    return sorted({str(r[f]) for r in generate_records(12, seed=5) for f in PLACE_FIELDS & r.keys() if r[f]})


def _command(home: Path, table: str = "none", places: list[str] | None = None) -> dict:
    """``table``: Settings.places_table (by default none: these tests are about the places a home has read)."""
    given = json.dumps(places or _places(), ensure_ascii=False)
    done = subprocess.run([sys.executable, "-c", _COMMAND, str(home), given],
                          capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1],
                          env={**os.environ, "SOHOA_PLACES_TABLE": table})
    return json.loads(done.stdout)


def _uncached(place: str) -> list[str]:
    """What the parser reads, neither the home's places nor the table asked."""
    return list(places.read_unit(places._unit_key(place)))


def test_a_second_command_with_known_places_does_not_load_the_parser(tmp_path):
    want = {p: _uncached(p) for p in _places()}
    assert any(want.values())  # places the parser resolves, not only empty readings
    first = _command(tmp_path)
    assert first["parser"] and first["tokens"] == want
    second = _command(tmp_path)
    assert not second["parser"] and second["tokens"] == want


def test_a_changed_version_reads_places_afresh(tmp_path):
    _command(tmp_path)
    with sqlite3.connect(tmp_path / "places.sqlite3") as conn:  # as written by an older parser or code
        conn.execute("UPDATE places SET tokens = 'stale', version = 'vietnamadminunits 0.0.1; 0'")
    again = _command(tmp_path)
    assert again["parser"] and again["tokens"] == {p: _uncached(p) for p in _places()}
    with sqlite3.connect(tmp_path / "places.sqlite3") as conn:
        versions = {v for (v,) in conn.execute("SELECT DISTINCT version FROM places")}
    assert versions == {places.SeenPlaces(tmp_path / "unused.sqlite3").version}


def test_a_home_it_cannot_write_to_only_costs_the_parse(tmp_path):
    (tmp_path / "places.sqlite3").mkdir()  # not a file SQLite can open
    places.remember_in(tmp_path / "places.sqlite3")
    try:
        place = "xã Ái Thượng, huyện Bá Thước, tỉnh Thanh Hóa"
        assert list(places.place_tokens(place).alternatives) == _uncached(place) != []
    finally:
        places.remember_in(None)


def _read_in_child(place: str, out) -> None:
    out.put(list(places.place_tokens(place).alternatives))


def test_a_forked_process_reads_but_leaves_the_file_alone(tmp_path):
    import multiprocessing

    places.remember_in(tmp_path / "places.sqlite3")
    try:
        place = "phường Thạch Thang, quận Hải Châu, thành phố Đà Nẵng"
        fork = multiprocessing.get_context("fork")
        out = fork.Queue()
        child = fork.Process(target=_read_in_child, args=(place, out))
        child.start()
        got = out.get(timeout=60)
        child.join(60)
        assert child.exitcode == 0 and got == _uncached(place)
        with sqlite3.connect(tmp_path / "places.sqlite3") as conn:
            assert conn.execute("SELECT count(*) FROM places").fetchone() == (0,)
        assert list(places.place_tokens(place).alternatives) == got  # the parent still writes its own
        with sqlite3.connect(tmp_path / "places.sqlite3") as conn:
            assert conn.execute("SELECT count(*) FROM places").fetchone() == (1,)
    finally:
        places.remember_in(None)


# -- index.places_table: the gazetteer's own forms, read at set-up --------------------------------------------
def _gazetteer_places(units: int) -> list[str]:
    """Places as a clerk writes them in the gazetteer's own names: behind an office's name, in its case."""
    from index.places import _tables

    t = _tables()
    legacy, current = list(t.legacy.values())[:units], list(t.current.values())[:units]
    return ([f"Ủy ban nhân dân {u.ward}, {u.district}, {u.province}" for u in legacy]
            + [f"{u.district}, {u.province}" for u in legacy[:3]]
            + [f"Trung tâm Y tế {u.district}" for u in legacy[:3]]
            + [f"Thôn 2, {u.ward}, {u.province}" for u in current])


def test_a_first_command_finds_the_gazetteers_places_without_the_parser(tmp_path):
    from index import places_table

    table = tmp_path / "places_table.sqlite3"
    assert places_table.build(table, units=12) > 24  # 12 wards of each era, their districts and provinces
    wanted = _gazetteer_places(12)
    got = _command(tmp_path / "home", table=str(table), places=wanted)
    assert not got["parser"]
    assert got["tokens"] == {p: _uncached(p) for p in wanted}
    assert any(got["tokens"].values())
    # A place written otherwise than the gazetteer (no district named with its ward's province) is parsed.
    place = "xã Ái Thượng, tỉnh Thanh Hóa"
    other = _command(tmp_path / "home2", table=str(table), places=[place])
    assert other["parser"] and other["tokens"] == {place: _uncached(place)}


def test_a_table_of_another_version_or_none_is_parsed_past(tmp_path):
    from index import places_seen, places_table

    table = tmp_path / "places_table.sqlite3"
    places_table.build(table, units=12)
    with sqlite3.connect(table) as conn:  # read by an older parser or code
        conn.execute("UPDATE meta SET value = 'vietnamadminunits 0.0.1; 0'")
        conn.execute("UPDATE places SET tokens = 'stale'")
    assert not places_seen.table_current(table)
    wanted = _gazetteer_places(12)
    for setting in (str(table), str(tmp_path / "missing.sqlite3")):
        got = _command(tmp_path / setting[-12:], table=setting, places=wanted)
        assert got["parser"] and got["tokens"] == {p: _uncached(p) for p in wanted}


def test_a_place_that_names_no_unit_is_read_as_none_without_the_parser(tmp_path):
    """OCR makes "places" of an office's name cut short: with no unit's name in them the parser reads nothing,
    and the table's names say so without loading it (≈ 0.5 s of CPU at the end of a first book's batch)."""
    from index import places_table

    table = tmp_path / "places_table.sqlite3"
    places_table.build(table, units=1)
    wanted = ["Ủy ban nhân", "tại nhà", "Bệnh viện Đa khoa", "UBND xã"]
    got = _command(tmp_path / "home", table=str(table), places=wanted)
    assert not got["parser"]
    assert got["tokens"] == {p: _uncached(p) for p in wanted} == {p: [] for p in wanted}


def test_every_place_the_parser_reads_holds_a_name_the_table_knows(tmp_path):
    """The names are a superset: a text is read without the parser only where the parser would read nothing —
    the gazetteer's own forms, and the same misspelt as OCR does (a letter lost, changed, its marks gone)."""
    import random

    from domain.text import fold
    from index import places_table
    from index.places_seen import PlacesTable

    table = tmp_path / "places_table.sqlite3"
    places_table.build(table, units=1)  # (the names are every unit's, whatever the forms read)
    names = PlacesTable(table)
    forms = places.gazetteer_forms()
    assert all(places._may_name_a_unit(text, *names.names()) for text in forms)
    rng = random.Random(7)
    checked = 0
    for text in rng.sample(forms, 400):
        i = rng.randrange(len(text))
        misread = rng.choice([text[:i] + text[i + 1:], text[:i] + rng.choice("aeiouhnt") + text[i + 1:], fold(text)])
        if places.read_unit(places._unit_key(misread)):
            checked += 1
            assert places._may_name_a_unit(places._unit_key(misread), *names.names()), misread
    assert checked > 200


def test_the_gazetteer_built_at_set_up_is_the_one_read_anew_and_a_stale_or_broken_one_is_not_used(tmp_path):
    """``domain.gazetteer.write_built`` (set-up's step): loading it gives the gazetteer reading the dataset gives;
    one built by another version, or cut short, is passed over and the dataset read anew."""
    import pickle

    from domain import gazetteer as gz

    built = tmp_path / "gazetteer.pickle"
    gz.write_built(built)
    anew = gz.Gazetteer.load(built=tmp_path / "none")
    loaded = gz.Gazetteer.load(built=built)
    assert loaded.__dict__ == anew.__dict__ and gz._read_built(built) is not None
    assert loaded.check_place("xã Hưng Phú, huyện Phước Long, tỉnh Bạc Liêu").eras == ("legacy",)
    with built.open("rb") as f:
        _, state = pickle.load(f)
    built.write_bytes(pickle.dumps(("vietnamadminunits 0.0; 0", state)))  # another version's
    assert gz._read_built(built) is None and gz.Gazetteer.load(built=built).__dict__ == anew.__dict__
    built.write_bytes(pickle.dumps((gz._built_version(), state))[:1000])  # cut short
    assert gz._read_built(built) is None and gz.Gazetteer.load(built=built).__dict__ == anew.__dict__
