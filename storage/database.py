"""Engine and sessions for the metadata database; migrations run through Alembic on open."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DatabaseError, DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from domain.errors import ConfigError, TransientBackendError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest migration's revision (tests/test_migrations.py checks it is Alembic's head): a database already there
# opens without importing Alembic and reading every migration script, ≈ 0.6 s of CPU that each `sohoa` command
# and each batch paid.
HEAD_REVISION = "0012"


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    # WAL lets the pool's processes read while one writes; the busy timeout makes writers queue, not fail.
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def alembic_config(engine: Engine) -> Config:
    # Alembic is imported when a schema is checked, not by every process that opens a session (the local pool's
    # workers do not migrate): it is a third of a worker's start-up.
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def at_head(engine: Engine) -> bool:
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == [HEAD_REVISION]
    except DBAPIError:  # a new database: no version table yet
        return False


def migrate(engine: Engine) -> None:
    if at_head(engine):
        return
    if engine.url.get_backend_name() != "sqlite":  # PostgreSQL's DDL is transactional already
        from alembic import command

        command.upgrade(alembic_config(engine), "head")
        return
    # pysqlite runs CREATE/ALTER outside any transaction, so a process killed mid-migration (kill -9, a power cut
    # on first start) left half a schema that the next start could not migrate ("table already exists"). Here
    # the driver's own transaction handling is off and BEGIN IMMEDIATE wraps the whole upgrade: all or nothing,
    # and two processes starting at once migrate one after the other.
    ddl_engine = create_engine(engine.url, connect_args={"timeout": 60})
    event.listen(ddl_engine, "connect", _sqlite_pragmas)
    event.listen(ddl_engine, "connect", lambda dbapi_conn, _record: setattr(dbapi_conn, "isolation_level", None))
    event.listen(ddl_engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
    try:
        if not _made_new(ddl_engine):
            from alembic import command

            command.upgrade(alembic_config(ddl_engine), "head")
    finally:
        ddl_engine.dispose()


def _made_new(ddl_engine: Engine) -> bool:
    """A database with no table at all (a new installation, each test's) made at once from the models, at the head
    revision, as the migrations would have made it step by step (tests/test_migrations.py compares the two):
    without Alembic and its twelve scripts, a third of a second of a new installation's first command, paid while
    its pool's workers start."""
    from storage.schema import metadata

    with ddl_engine.begin() as conn:
        if inspect(conn).get_table_names():
            return False
        metadata.create_all(conn)
        conn.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
                          "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"))
        conn.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": HEAD_REVISION})
    return True


class Database:
    """Metadata store: one engine per process, sessions per unit of work."""

    def __init__(self, url: str, *, upgrade: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if upgrade:
            try:
                migrate(self.engine)
            except DatabaseError as exc:
                if isinstance(exc, OperationalError) or self.engine.url.get_backend_name() != "sqlite":
                    raise
                # A file that is no SQLite database, or one damaged (a disk fault, a copy cut short): said as such,
                # with the way back, not shown as a driver's traceback.
                raise ConfigError(
                    f"Tệp cơ sở dữ liệu {self.engine.url.database} bị hỏng hoặc không phải cơ sở dữ liệu SQLite "
                    f"({exc.orig}). Giữ nguyên thư mục dữ liệu này để kiểm tra; khôi phục bản sao lưu gần nhất vào "
                    "một SOHOA_HOME mới: sohoa restore THƯ_MỤC_SAO_LƯU.",
                    code="database_damaged") from exc
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on any exception.

        A database that is unreachable, restarting or locked raises TransientBackendError, which workers retry.
        """
        try:
            with self._sessions() as session, session.begin():
                yield session
        except OperationalError as exc:
            raise TransientBackendError(f"Cơ sở dữ liệu tạm thời không truy cập được: {exc.orig}") from exc

    def dispose(self) -> None:
        self.engine.dispose()
