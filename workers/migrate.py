"""Move an embedded installation (SQLite, local objects, Tantivy) into other backends (PostgreSQL, S3, Elasticsearch).

Three steps, each safe to interrupt and run again:

1. objects: every key is copied unless the target already holds it; a key names its own SHA-256, so each copy
   is checked on the way (and every object is read back and checked again at the end);
2. database rows, table by table in foreign-key order; rows whose primary key the target already holds are
   skipped, so a second run only adds what is missing;
3. the records are indexed into the target index (an upsert by id: repeating it changes nothing).

Then counts and checksums are compared, per object and per row.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, Table, func, select, text, tuple_

from domain.errors import ConfigError
from domain.settings import Settings
from storage import ObjectStore
from storage.models import Base
from storage.objects import sha256_file, sha_from_key

from .context import Context
from .stages import index_records

TABLES = ("batches", "files", "pages", "records", "record_pages", "rejections")  # parents before children
CHUNK = 500
_REQUIRED = ("SOHOA_DATABASE_URL", "SOHOA_STORAGE_URL", "SOHOA_INDEX_URL")


@dataclass
class Step:
    name: str
    source: int = 0
    target: int = 0
    copied: int = 0
    skipped: int = 0
    mismatched: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatched and self.target >= self.source


# -- the target's settings ---------------------------------------------------------------------------------------

def read_env_file(path: Path) -> dict[str, str]:
    """``SOHOA_NAME=value`` lines (``export``, quotes and ``#`` comments allowed)."""
    values = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.removeprefix("export ").partition("=")
        if not sep:
            raise ConfigError(f"{path}:{n}: cần dạng TÊN=giá trị")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[name.strip()] = value
    return values


def target_settings(path: Path, source: Settings) -> Settings:
    env = read_env_file(path)
    missing = [k for k in _REQUIRED if not env.get(k)]
    if missing:
        raise ConfigError(f"{path} thiếu {', '.join(missing)}: cần biết đích của từng phần dữ liệu")
    fields = {k.removeprefix("SOHOA_").lower(): v for k, v in env.items() if k.startswith("SOHOA_")}
    fields.setdefault("home", str(source.home))
    target = Settings(**fields)  # explicit values win over this process's SOHOA_* environment
    same = [k for k in ("database_url", "storage_url", "index_url") if getattr(target, k) == getattr(source, k)]
    if same:
        raise ConfigError(f"Đích trùng với nguồn ({', '.join(same)}): không có gì để chuyển")
    return target


# -- objects -----------------------------------------------------------------------------------------------------

def _kind_suffix(key: str) -> tuple[str, str]:
    kind, name = key.split("/", 1)[0], key.rsplit("/", 1)[-1]
    sha = sha_from_key(key)
    return kind, name[len(sha):]


def copy_objects(src: ObjectStore, dst: ObjectStore, tmpdir: Path) -> Step:
    step = Step("objects")
    keys = list(src.keys())
    step.source = len(keys)
    for key in keys:
        if dst.exists(key):
            step.skipped += 1
            continue
        tmp = src.download(key, tmpdir / "object")  # checked against the key by the source store
        kind, suffix = _kind_suffix(key)
        stored = dst.put_file(tmp, kind=kind, suffix=suffix)
        if stored.key != key:
            step.mismatched.append(key)
        step.copied += 1
        tmp.unlink()
    for key in keys:  # read everything back: the target's bytes must hash to the name they are stored under
        if not dst.exists(key):
            step.mismatched.append(key)
            continue
        back = dst.download(key, tmpdir / "check")
        if sha256_file(back) != sha_from_key(key):
            step.mismatched.append(key)
        else:
            step.target += 1
        back.unlink()
    return step


# -- rows --------------------------------------------------------------------------------------------------------

def _norm(value: object) -> object:
    """A value as both databases give it back: SQLite drops the time zone of stored UTC datetimes."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    return value


# Derived state that indexing the target legitimately changes: not compared.
_DERIVED = frozenset({"indexed", "updated_at"})


def _row_digest(row: dict) -> str:
    values = {k: _norm(v) for k, v in row.items() if k not in _DERIVED}
    return hashlib.sha256(json.dumps(values, sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _rows(engine: Engine, table: Table) -> Iterator[list[dict]]:
    pk = list(table.primary_key.columns)
    with engine.connect() as conn:
        total = conn.scalar(select(func.count()).select_from(table)) or 0
        for offset in range(0, total, CHUNK):
            yield [dict(r._mapping) for r in conn.execute(select(table).order_by(*pk).offset(offset).limit(CHUNK))]


def _key(table: Table, row: dict) -> tuple:
    return tuple(row[c.name] for c in table.primary_key.columns)


def _existing(conn, table: Table, rows: list[dict]) -> dict[tuple, dict]:
    pk = list(table.primary_key.columns)
    keys = [_key(table, r) for r in rows]
    where = pk[0].in_([k[0] for k in keys]) if len(pk) == 1 else tuple_(*pk).in_(keys)
    return {_key(table, dict(r._mapping)): dict(r._mapping) for r in conn.execute(select(table).where(where))}


def copy_table(table: Table, src: Engine, dst: Engine) -> Step:
    step = Step(table.name)
    for rows in _rows(src, table):
        step.source += len(rows)
        with dst.begin() as conn:
            have = _existing(conn, table, rows)
            new = [{k: _norm_dt(v) for k, v in r.items()} for r in rows if _key(table, r) not in have]
            if new:
                conn.execute(table.insert(), new)
            step.copied += len(new)
            step.skipped += len(rows) - len(new)
    if dst.dialect.name == "postgresql":  # explicit ids were inserted: move the serial sequences past them
        with dst.begin() as conn:
            for col in table.primary_key.columns:
                if col.autoincrement is True:
                    conn.execute(text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', '{col.name}'), "
                        f"COALESCE(MAX({col.name}), 1), MAX({col.name}) IS NOT NULL) FROM {table.name}"))
    return step


def _norm_dt(value: object) -> object:
    return value.replace(tzinfo=UTC) if isinstance(value, datetime) and value.tzinfo is None else value


def verify_table(table: Table, src: Engine, dst: Engine, step: Step) -> None:
    """Every source row is in the target with the same content (compared by a digest of its values)."""
    with dst.connect() as conn:
        for rows in _rows(src, table):
            have = _existing(conn, table, rows)
            for r in rows:
                theirs = have.get(_key(table, r))
                if theirs is None or _row_digest(theirs) != _row_digest(r):
                    step.mismatched.append(f"{table.name}:{_key(table, r)}")
                else:
                    step.target += 1


# -- the whole move ----------------------------------------------------------------------------------------------

def migrate(source: Settings, target: Settings, on_step: Callable[[Step], None] = lambda s: None) -> list[Step]:
    if source.distributed or not source.database_url.startswith("sqlite"):
        raise ConfigError("Nguồn phải là một cài đặt nhúng (SQLite, tệp cục bộ, Tantivy)")
    src, dst = Context(source), Context(target)
    steps: list[Step] = []
    try:
        with tempfile.TemporaryDirectory(prefix="sohoa-migrate-") as tmp:
            steps.append(copy_objects(src.store, dst.store, Path(tmp)))
            on_step(steps[-1])
        src_engine, dst_engine = src.db.engine, dst.db.engine  # opening runs the target's schema migrations
        for name in TABLES:
            table = Base.metadata.tables[name]
            step = copy_table(table, src_engine, dst_engine)
            verify_table(table, src_engine, dst_engine, step)
            steps.append(step)
            on_step(step)
        steps.append(reindex(src, dst))
        on_step(steps[-1])
    finally:
        src.close()
        dst.close()
    return steps


def reindex(src: Context, dst: Context) -> Step:
    records = Base.metadata.tables["records"]
    with src.db.engine.connect() as conn:
        ids = list(conn.scalars(select(records.c.id).order_by(records.c.id)))
    step = Step("index", source=len(ids))
    for i in range(0, len(ids), CHUNK):
        step.copied += index_records(ids[i:i + CHUNK], dst)
    with dst.db.engine.connect() as conn:
        in_db = conn.scalar(select(func.count()).select_from(records)) or 0
    step.target = dst.index.count()
    if step.target != in_db:
        step.mismatched.append(f"chỉ mục có {step.target} tài liệu, cơ sở dữ liệu đích có {in_db} hồ sơ")
    return step
