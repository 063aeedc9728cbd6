"""The metadata schema behaves the same on SQLite (embedded) and PostgreSQL (distributed)."""
from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy.exc
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select

import storage
from storage.database import Database, alembic_config
from storage.models import Base, Batch, Page, Record, RecordPage, Rejection, SourceFileRow

# Every storage/*models.py registers its tables on the one Base, as the migration environment does.
for _module in pkgutil.iter_modules(storage.__path__):
    if _module.name.endswith("models"):
        importlib.import_module(f"storage.{_module.name}")

FIELDS = {
    "full_name": "Nguyễn Văn An",
    "father_name": "Đặng Văn Hoà",
    "mother_name": unicodedata.normalize("NFD", "Trần Thị Thuỷ"),  # kept as written, not re-normalised
    "place_of_birth": "Xã Tân Phú, huyện Đức Hoà, tỉnh Long An",
    "personal_id": "001098012345",
    "notes": ["Bản sao", "ký tên: Lê Thị Ñ", {"trang": 3}],
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.distributed)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh' / 'sohoa.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


def _batch(session, batch_id: str = "b1") -> Batch:
    batch = Batch(id=batch_id, record_type="birth", book="Sổ đăng ký khai sinh 1998", authority="UBND xã Tân Phú")
    session.add(batch)
    session.flush()
    return batch


def _file(batch_id: str, sha: str, seq: int = 1) -> SourceFileRow:
    return SourceFileRow(
        batch_id=batch_id, seq=seq, name="sổ khai sinh.pdf", sha256=sha, media_type="application/pdf",
        size=5 * 1024**3, page_count=2, object_key=f"originals/{sha[:2]}/{sha}.pdf",
    )


def test_migrations_build_the_schema_on_a_fresh_database(db: Database) -> None:
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)
    head = ScriptDirectory.from_config(alembic_config(db.engine)).get_current_head()
    with db.engine.connect() as conn:
        assert MigrationContext.configure(conn).get_current_revision() == head


def test_models_and_migrations_do_not_drift(db: Database) -> None:
    with db.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_downgrade_and_upgrade_again(db: Database) -> None:
    cfg = alembic_config(db.engine)
    command.downgrade(cfg, "base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    command.upgrade(cfg, "head")
    assert set(inspect(db.engine).get_table_names()) >= set(Base.metadata.tables)


def test_round_trip_with_vietnamese_json(db: Database) -> None:
    with db.session() as s:
        _batch(s)
        f = _file("b1", "ab" * 32)
        s.add(f)
        s.flush()
        s.add(Page(id="p1", batch_id="b1", file_id=f.id, number=1, seq=1, text="Họ và tên: Nguyễn Văn An",
                   confidence=0.93))
        record = Record(id="b1-0001", batch_id="b1", type="birth", fields=FIELDS,
                        confidence={"full_name": 0.97, "father_name": 0.5}, text="Nguyễn Văn An 1998")
        record.pages.append(RecordPage(page_id="p1", ordinal=0))
        s.add(record)

    with db.session() as s:
        record = s.get(Record, "b1-0001")
        assert record.fields == FIELDS
        assert record.fields["mother_name"] == unicodedata.normalize("NFD", "Trần Thị Thuỷ")
        assert record.confidence == {"full_name": 0.97, "father_name": 0.5}
        assert (record.status, record.needs_review, record.indexed) == ("valid", False, False)
        assert [rp.page.text for rp in record.pages] == ["Họ và tên: Nguyễn Văn An"]
        assert record.pages[0].page.file.size == 5 * 1024**3  # BigInteger on both
        assert s.get(Batch, "b1").book == "Sổ đăng ký khai sinh 1998"
        created = record.created_at
    age = datetime.now(UTC) - (created if created.tzinfo else created.replace(tzinfo=UTC))
    assert 0 <= age.total_seconds() < 60


def test_json_field_update_is_persisted(db: Database) -> None:
    with db.session() as s:
        _batch(s)
        s.add(Record(id="r1", batch_id="b1", type="birth", fields={"full_name": "Lê Văn Tám"}))
    with db.session() as s:
        record = s.get(Record, "r1")
        record.fields = {**record.fields, "full_name": "Lê Văn Tâm"}  # replace: JSON columns are not mutable-tracked
    with db.session() as s:
        assert s.get(Record, "r1").fields == {"full_name": "Lê Văn Tâm"}


def test_datetimes_come_back_timezone_aware(db: Database) -> None:
    with db.session() as s:
        _batch(s)
    with db.session() as s:
        assert s.get(Batch, "b1").created_at.tzinfo is not None


def test_unique_sha256_is_enforced(db: Database) -> None:
    with db.session() as s:
        _batch(s)
        s.add(_file("b1", "cd" * 32))
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.session() as s:
        s.add(_file("b1", "cd" * 32, seq=2))
    with db.session() as s:  # the failed transaction rolled back and left the session usable
        assert s.scalars(select(SourceFileRow.seq)).all() == [1]


def test_unique_rejection_and_nulls(db: Database) -> None:
    with db.session() as s:
        _batch(s)
        s.add(Rejection(batch_id="b1", source="hỏng.pdf", page=1, code="corrupt", reason="PDF hỏng"))
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.session() as s:
        s.add(Rejection(batch_id="b1", source="hỏng.pdf", page=1, code="corrupt", reason="lần nữa"))
    # NULLs are distinct in unique constraints on both engines: a whole-file rejection may repeat.
    with db.session() as s:
        s.add(Rejection(batch_id="b1", source="bom.zip", page=None, code="zip_bomb", reason="a"))
        s.add(Rejection(batch_id="b1", source="bom.zip", page=None, code="zip_bomb", reason="b"))
    with db.session() as s:
        assert len(s.scalars(select(Rejection)).all()) == 3


def test_foreign_keys_are_enforced(db: Database) -> None:
    with pytest.raises(sqlalchemy.exc.IntegrityError), db.session() as s:
        s.add(Record(id="orphan", batch_id="no-such-batch", type="birth", fields={}))


def test_unreachable_database_is_a_transient_error(tmp_path) -> None:
    from domain.errors import TransientBackendError

    # A port nothing listens on: the worker must retry later, not fail the page for good.
    db = Database("postgresql+psycopg://nobody:x@127.0.0.1:9/none?connect_timeout=2", upgrade=False)
    with pytest.raises(TransientBackendError), db.session() as s:
        s.execute(sqlalchemy.text("select 1"))
