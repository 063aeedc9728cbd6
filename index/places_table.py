"""Every administrative unit of both eras, as the gazetteer writes it, read once at set-up.

Reading a place needs ``vietnamadminunits``' parser: ≈ 0.5 s of CPU to import and ≈ 0.5 ms a place (``index.places``,
``index.places_seen``). A place's unit part is one of a closed set, and most places a clerk writes, or OCR reads
right, are one of the gazetteer's own forms: "xã Hậu Mỹ Bắc A, huyện Cái Bè, tỉnh Tiền Giang", "huyện Cái Bè, tỉnh
Tiền Giang", "huyện Cái Bè" (a hospital's), "tỉnh Tiền Giang", and since July 2025 "xã Cam Hiệp, tỉnh Khánh Hòa" —
≈ 14,800 in all. Set-up (``scripts/bootstrap.sh``, the Dockerfile) reads each of them once into a file beside this
module (``python -m index places-table``: ≈ 7 s of CPU, skipped while it is current): ``index.places`` looks a
unit part up there after the places its home has read, and parses only what is in neither. 97% of the bench's
generated places are gazetteer forms once a hospital's or a street's name is not taken for the address
(``places.unit_part``), and a first reindex of them runs twice as fast (docs/benchmarks.md, search, session 19).
A place OCR misread is parsed as before, unless it holds no unit's name at all
(``places.unit_names``: "ủy ban nhân", an office's name cut short, is read as no place without the parser).

The same function fills it that parses a place at indexing (``places.read_unit``), so a place found here has the
tokens a parse would give. Its entries count only under the version they were read with (``code_version``: the
package's version and our code's source), so a change there falls back to parsing until set-up runs again.
"""
from __future__ import annotations

import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from . import places
from .places_seen import BUILT_TABLE, code_version, table_current


def build(path: Path = BUILT_TABLE, units: int | None = None) -> int:
    """Read every unit's forms (the first ``units`` of each era, for tests) and write them to ``path``, replaced
    whole. Returns the number of forms."""
    rows = {text: places.read_unit(text) for text in places.gazetteer_forms(units)}
    names, keywords = places.unit_names()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    with closing(sqlite3.connect(tmp)) as conn, conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        conn.execute("CREATE TABLE places (text TEXT PRIMARY KEY, tokens TEXT NOT NULL)")
        conn.execute("INSERT INTO meta VALUES ('version', ?)", (code_version(),))
        conn.executemany("INSERT INTO places VALUES (?, ?)", ((t, " ".join(v)) for t, v in sorted(rows.items())))
        conn.execute("CREATE TABLE unit_names (text TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO unit_names VALUES (?)", ((n,) for n in sorted(names)))
        conn.execute("CREATE TABLE province_keywords (text TEXT PRIMARY KEY)")
        conn.executemany("INSERT INTO province_keywords VALUES (?)", ((k,) for k in sorted(keywords)))
    os.replace(tmp, path)  # a process loading it meanwhile reads the old file or the new one, never half
    return len(rows)


def make(path: Path = BUILT_TABLE) -> None:
    """Set-up's step (``python -m index places-table``): build the file unless it is current; and the gazetteer's
    (``domain.gazetteer.write_built``), which every process checking a place loads."""
    from domain.gazetteer import write_built

    write_built()
    if table_current(path):
        return
    started = time.process_time()
    n = build(path)
    print(f"==> {n} administrative units of both eras read into {path} ({time.process_time() - started:.0f} s)")
