"""Fixtures for the distributed backends: each test gets its own database, bucket and index alias.

Server URLs come from the ``servers`` fixture (tests/conftest.py), so a missing server skips the test on a
developer's machine and fails it under CI=true. Everything created here is removed after the test.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError

from domain.settings import Settings


@pytest.fixture
def pg_url(servers: dict[str, str], unique: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (``unique`` as its name), dropped after the test."""
    base = make_url(servers["SOHOA_TEST_DATABASE_URL"])
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{unique}" ENCODING \'UTF8\' TEMPLATE template0'))
        yield base.set(database=unique).render_as_string(hide_password=False)
        _drop(admin, unique)
    finally:
        admin.dispose()


def _drop(admin: Engine, name: str, tries: int = 5) -> None:
    """DROP DATABASE … WITH (FORCE) ends the test's own connections left open, but fails at once on a backend of no
    role the test's may signal: an autovacuum worker on a database a test just filled (seen once in CI, after
    test_migrate_embedded_installation_…). A plain DROP cancels autovacuum itself and waits for it, so that follows,
    a second apart, while the database is still in use."""
    for attempt in range(tries):
        try:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"' + (" WITH (FORCE)" if attempt == 0 else "")))
            return
        except DBAPIError:
            if attempt == tries - 1:
                raise
            time.sleep(1)


@pytest.fixture
def s3_url(servers: dict[str, str], unique: str) -> Iterator[str]:
    """The test MinIO with a bucket of its own (created by the store on first use), emptied and removed after."""
    from storage.s3 import S3ObjectStore

    parts = urlsplit(servers["SOHOA_TEST_S3_URL"])
    url = urlunsplit(parts._replace(path=f"/{unique}/objects"))
    yield url
    store = S3ObjectStore.from_url(url)
    if store.client.bucket_exists(store.bucket):
        for obj in store.client.list_objects(store.bucket, recursive=True):
            store.client.remove_object(store.bucket, obj.object_name)
        store.client.remove_bucket(store.bucket)


@pytest.fixture
def es_url(servers: dict[str, str], unique: str) -> Iterator[str]:
    """The test Elasticsearch with an alias of its own; its physical indexes are deleted after the test."""
    from index.es_index import ElasticIndex

    url = f"{servers['SOHOA_TEST_ES_URL'].rstrip('/')}/{unique}"
    yield url
    ix = ElasticIndex.from_url(url)
    try:
        ix.drop()
    finally:
        ix.close()


@pytest.fixture
def distributed_settings(
    tmp_path: Path, servers: dict[str, str], pg_url: str, s3_url: str, es_url: str
) -> Settings:
    """A complete distributed installation: PostgreSQL, MinIO, Elasticsearch and Celery over Redis."""
    return Settings(
        home=tmp_path / "home",
        workers=2,
        database_url=pg_url,
        storage_url=s3_url,
        index_url=es_url,
        broker_url=servers["SOHOA_TEST_REDIS_URL"],
    )
