"""The other-era tokens of every place part already read, kept between processes (a SQLite file in SOHOA_HOME),
and those of the gazetteer's own forms, read at set-up (a file beside this module, :mod:`index.places_table`).

Reading a place needs ``vietnamadminunits``' parser, whose import compiles hundreds of regular expressions and
reads 4 MB of JSON: ≈ 0.5 s of CPU (its geocoding modules left out), paid by every command and batch that
indexes a record. An office's places are a small set that repeats from book to book, so a batch whose places
were all read before never loads it.

An entry is used only under the version it was written with — the package's version and the source of the code
that turns a place into tokens (this package's ``places`` and ``analysis``, ``domain.text``) — so an upgrade or
a change there reads every place afresh. The file is a cache: when it cannot be opened or written, places are
read as if it were not there.
"""
from __future__ import annotations

import sqlite3
import sys
import threading
from contextlib import closing
from functools import cache
from pathlib import Path

import domain.text
from domain.gazetteer import data_version

from . import analysis

_forsaken: list[sqlite3.Connection | None] = []
_SCHEMA = "CREATE TABLE IF NOT EXISTS places (text TEXT PRIMARY KEY, tokens TEXT NOT NULL, version TEXT NOT NULL)"


@cache  # (the sources do not change under a running process; several openings ask)
def code_version() -> str:
    """What a place's tokens depend on: the parser package's version and our code's source."""
    return data_version([Path(__file__).with_name("places.py"), Path(analysis.__file__), Path(domain.text.__file__)])


class SeenPlaces:
    """Tokens by place text (as ``index.places`` normalises it), read from the file once, added as read."""

    def __init__(self, path: Path, version: str | None = None) -> None:
        self.path, self.version = path, version or code_version()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._known: dict[str, tuple[str, ...]] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Autocommit, WAL: a command and the web server may both add places; a lost write only costs a parse.
            conn = sqlite3.connect(path, timeout=5, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            rows = conn.execute("SELECT text, tokens FROM places WHERE version = ?", (self.version,)).fetchall()
        except (OSError, sqlite3.Error):
            return
        self._conn = conn
        self._known = {text: tuple(tokens.split()) for text, tokens in rows}

    @property
    def writing(self) -> bool:
        """False where the file could not be opened, or in a forked copy (``forsake``)."""
        return self._conn is not None

    def get(self, text: str) -> tuple[str, ...] | None:
        return self._known.get(text)

    def add(self, text: str, tokens: tuple[str, ...]) -> None:
        self._known[text] = tokens
        if self._conn is None:
            return
        with self._lock:
            try:
                self._conn.execute("INSERT OR REPLACE INTO places (text, tokens, version) VALUES (?, ?, ?)",
                                   (text, " ".join(tokens), self.version))
            except sqlite3.Error:
                self._conn = None  # full disk, read-only home: go on without remembering

    def forsake(self) -> None:
        """In a process forked from this one: SQLite's handles must not cross a fork, so the child keeps what
        was read and writes nothing (the connection is kept, unclosed, so that its collection does not touch the
        parent's file locks)."""
        _forsaken.append(self._conn)
        self._conn = None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None


BUILT_TABLE = Path(__file__).with_name("places_table.sqlite3")  # not in git: set-up makes it (index.places_table)


def table_location(setting: str) -> Path | None:
    """``Settings.places_table``: "auto" is the file set-up builds, "none" none, anything else a path."""
    return None if setting == "none" else BUILT_TABLE if setting == "auto" else Path(setting)


class PlacesTable:
    """The gazetteer's own forms read at set-up (:mod:`index.places_table`): tokens by unit part, loaded whole at
    the first look-up (≈ 14,000 rows, a few MiB): a dictionary is read without locks by threads and inherited by
    forked processes, which a SQLite handle may not be."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._rows: dict[str, tuple[str, ...]] | None = None
        self._names: tuple[frozenset[str], frozenset[str]] | None = None

    def get(self, unit_text: str) -> tuple[str, ...] | None:
        if self._rows is None:
            # (a few hundred distinct words among 14,000 rows: each held once)
            self._rows = {text: tuple(map(sys.intern, tokens.split()))
                          for text, tokens in _current_rows(self.path, "SELECT text, tokens FROM places") or ()}
        return self._rows.get(unit_text)

    def names(self) -> tuple[frozenset[str], frozenset[str]]:
        """Every unit's name and the provinces' keywords (``places.unit_names``), read once; empty where the table
        has none (older, missing)."""
        if self._names is None:
            rows = _current_rows(self.path, "SELECT 0, text FROM unit_names UNION ALL "
                                            "SELECT 1, text FROM province_keywords") or ()
            self._names = (frozenset(text for kind, text in rows if kind == 0),
                           frozenset(text for kind, text in rows if kind == 1))
        return self._names


def _current_rows(path: Path, query: str) -> list | None:
    """``query``'s rows from the table at ``path`` when it was read with this version; otherwise (missing, older,
    unreadable) None."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            version = conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            return conn.execute(query).fetchall() if version == (code_version(),) else None
    except sqlite3.Error:
        return None


def table_current(path: Path = BUILT_TABLE) -> bool:
    return _current_rows(path, "SELECT 1") is not None
