"""Fixtures for the distributed backends: each test gets its own database, bucket and index alias.

Server URLs come from the ``servers`` fixture (tests/conftest.py), so a missing server skips the test on a
developer's machine and fails it under CI=true. Everything created here is removed after the test.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

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
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{unique}" WITH (FORCE)'))
    finally:
        admin.dispose()


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
