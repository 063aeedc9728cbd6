"""Upgrading an installation that holds data: every migration after the first release must apply on top of rows
that reference each other (SQLite enforces foreign keys here, so a migration that rebuilds a referenced table
with DROP TABLE fails on a real office's database while passing on an empty one)."""
from __future__ import annotations

from alembic import command
from sqlalchemy import text

from storage.database import alembic_config, make_engine, migrate


def test_upgrade_from_the_first_release_keeps_pages_and_their_batches(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'sohoa.db'}")
    command.upgrade(alembic_config(engine), "0002")
    with engine.begin() as c:
        c.execute(text("INSERT INTO batches (id, record_type, created_at) VALUES ('b1', 'birth', '2020-01-01')"))
        c.execute(text("INSERT INTO files (batch_id, seq, name, sha256, media_type, size, page_count, object_key) "
                       "VALUES ('b1', 1, 'so.pdf', :h, 'application/pdf', 10, 1, 'originals/x')"), {"h": "a" * 64})
        file_id = c.execute(text("SELECT id FROM files")).scalar()
        c.execute(text("INSERT INTO pages (id, batch_id, file_id, number, seq, status, attempts, updated_at) "
                       "VALUES ('p1', 'b1', :f, 1, 1, 'done', 1, '2020-01-01')"), {"f": file_id})
    migrate(engine)  # to head, with the rows in place
    with engine.connect() as c:
        assert c.execute(text("SELECT batch_id FROM pages WHERE id = 'p1'")).scalar() == "b1"
        assert c.execute(text("SELECT count(*) FROM batches")).scalar() == 1
    engine.dispose()


def test_a_migration_that_fails_leaves_no_half_schema(tmp_path):
    """All or nothing: a process killed or failing mid-upgrade must not leave tables the next start would trip on
    ("table already exists"). A table in the way of a late migration makes the upgrade fail; nothing of the
    earlier migrations may remain."""
    import pytest
    from sqlalchemy import inspect

    engine = make_engine(f"sqlite:///{tmp_path / 'sohoa.db'}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE keying_books (x INTEGER)"))  # in the way of migration 0010
    with pytest.raises(Exception, match="already exists"):
        migrate(engine)
    assert set(inspect(engine).get_table_names()) == {"keying_books"}
    with engine.begin() as c:
        c.execute(text("DROP TABLE keying_books"))
    migrate(engine)  # the next start migrates cleanly
    assert "batches" in inspect(make_engine(f"sqlite:///{tmp_path / 'sohoa.db'}")).get_table_names()
    engine.dispose()


def test_the_head_revision_known_without_alembic_is_alembics_head(tmp_path):
    """storage.database.HEAD_REVISION lets a database already there open without Alembic: a new migration must
    move it too, or its databases would never be upgraded."""
    from alembic.script import ScriptDirectory

    from storage.database import HEAD_REVISION, at_head

    engine = make_engine(f"sqlite:///{tmp_path / 'sohoa.db'}")
    assert ScriptDirectory.from_config(alembic_config(engine)).get_current_head() == HEAD_REVISION
    assert not at_head(engine)  # no version table yet
    command.upgrade(alembic_config(engine), "0010")
    assert not at_head(engine)
    migrate(engine)
    assert at_head(engine)
    engine.dispose()


def test_a_database_at_head_opens_without_importing_alembic(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'sohoa.db'}"
    migrate(make_engine(url))
    probe = ("import sys; from storage.database import Database; Database(sys.argv[1]); "
             "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False"


def _schema(engine) -> dict:
    """Every table's columns (type, nullability, default), keys, indexes and unique constraints, as SQLite reports
    them."""
    from sqlalchemy import inspect

    seen = inspect(engine)
    return {t: (sorted((c["name"], str(c["type"]), c["nullable"], str(c["default"])) for c in seen.get_columns(t)),
                seen.get_pk_constraint(t),
                sorted(map(repr, seen.get_foreign_keys(t))),
                sorted(map(repr, seen.get_indexes(t))),
                sorted(map(repr, seen.get_unique_constraints(t))))
            for t in seen.get_table_names()}


def test_a_new_database_is_made_as_the_migrations_make_it(tmp_path):
    """A new SQLite database is made at once from the models (``storage.database._made_new``), not by running every
    migration: both ways must give the same tables, columns, keys and indexes, at the head revision; and that
    without importing Alembic (the third of a second it saves)."""
    import subprocess
    import sys

    stepwise = make_engine(f"sqlite:///{tmp_path / 'stepwise.db'}")
    command.upgrade(alembic_config(stepwise), "head")
    url = f"sqlite:///{tmp_path / 'new.db'}"
    probe = ("import sys; from storage.database import Database; Database(sys.argv[1]); "
             "print('alembic' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", probe, url], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.strip() == "False"
    at_once = make_engine(url)
    assert _schema(at_once) == _schema(stepwise)
    with at_once.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0012"]
    stepwise.dispose()
    at_once.dispose()


def test_a_damaged_database_file_is_said_so_and_left_as_it_is(tmp_path):
    """A metadata file that is no SQLite database (a disk fault, a copy cut short) stops the command with what is
    wrong and how to restore, not a driver's traceback, and is not written over: nothing is lost."""
    import pytest

    from domain.errors import ConfigError
    from storage.database import Database

    damaged = tmp_path / "sohoa.db"
    damaged.write_bytes(bytes(range(256)) * 20)
    with pytest.raises(ConfigError, match="bị hỏng hoặc không phải cơ sở dữ liệu SQLite") as raised:
        Database(f"sqlite:///{damaged}")
    assert raised.value.code == "database_damaged" and "sohoa restore" in raised.value.message
    assert damaged.read_bytes() == bytes(range(256)) * 20
