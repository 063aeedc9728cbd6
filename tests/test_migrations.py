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
