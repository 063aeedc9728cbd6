"""Round trips against the real test servers started by tests/servers/launch.py."""

from __future__ import annotations

import io
import sys
import uuid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

_ROOT = Path(__file__).resolve().parents[1]
if str(_ROOT) not in sys.path:  # so `tests.servers` imports under any pytest import mode
    sys.path.insert(0, str(_ROOT))

from tests.servers.launch import pytest_env_or_fail  # noqa: E402

pytestmark = pytest.mark.distributed


def _url(name: str, env_name: str) -> str:
    env = pytest_env_or_fail([name])  # raises RuntimeError under CI=true
    if env.get("SOHOA_TEST_SKIP_REASON"):
        pytest.skip(env["SOHOA_TEST_SKIP_REASON"])
    url = env[env_name]
    assert url
    return url


def test_redis_round_trip():
    import redis

    r = redis.Redis.from_url(_url("redis", "SOHOA_TEST_REDIS_URL"))
    key = f"sohoa-test:{uuid.uuid4().hex}"
    try:
        assert r.set(key, "Nguyễn Văn Đức", ex=60)
        assert r.get(key).decode() == "Nguyễn Văn Đức"
    finally:
        r.delete(key)
        r.close()


def test_postgres_round_trip():
    import sqlalchemy as sa

    engine = sa.create_engine(_url("postgres", "SOHOA_TEST_DATABASE_URL"))
    table = f"t_{uuid.uuid4().hex[:12]}"
    try:
        with engine.begin() as conn:
            conn.execute(sa.text(f"CREATE TABLE {table} (id int primary key, name text)"))
            conn.execute(sa.text(f"INSERT INTO {table} VALUES (1, :n)"), {"n": "Trần Thị Ánh"})
            assert conn.execute(sa.text(f"SELECT name FROM {table} WHERE id = 1")).scalar_one() == "Trần Thị Ánh"
            assert conn.execute(sa.text("SELECT current_database()")).scalar_one() == "sohoa_test"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS {table}"))
        engine.dispose()


def test_elasticsearch_round_trip():
    from elasticsearch import Elasticsearch

    es = Elasticsearch(_url("elasticsearch", "SOHOA_TEST_ES_URL"), request_timeout=60)
    info = es.info()
    assert info["version"]["number"].startswith("8.")
    assert es.ping()
    index = f"sohoa-test-{uuid.uuid4().hex[:12]}"
    es.indices.create(
        index=index,
        settings={
            "number_of_shards": 1,
            "number_of_replicas": 0,
            "analysis": {
                "filter": {"vi_fold": {"type": "asciifolding", "preserve_original": True}},
                "analyzer": {"vi": {"type": "custom", "tokenizer": "standard", "filter": ["lowercase", "vi_fold"]}},
            },
        },
        mappings={"properties": {"name": {"type": "text", "analyzer": "vi"}}},
    )
    try:
        tokens = [t["token"] for t in es.indices.analyze(index=index, analyzer="vi", text="Đức")["tokens"]]
        assert tokens == ["duc", "đức"]
        es.index(index=index, id="1", document={"name": "Nguyễn Văn Đức"}, refresh=True)
        for q in ("nguyen van duc", "Nguyễn Văn Đức"):
            hits = es.search(index=index, query={"match": {"name": q}})["hits"]
            assert hits["total"]["value"] == 1, q
    finally:
        es.indices.delete(index=index)
        es.close()


def test_minio_round_trip():
    from minio import Minio

    url = urlsplit(_url("minio", "SOHOA_TEST_S3_URL"))
    assert url.scheme == "s3"
    secure = parse_qs(url.query).get("secure", ["true"])[0] == "true"
    bucket = url.path.lstrip("/").split("/")[0]
    client = Minio(
        f"{url.hostname}:{url.port}",
        access_key=unquote(url.username or ""),
        secret_key=unquote(url.password or ""),
        secure=secure,
    )
    assert client.bucket_exists(bucket)
    name = f"round-trip/{uuid.uuid4().hex}.txt"
    payload = "Sổ hộ tịch".encode()
    client.put_object(bucket, name, io.BytesIO(payload), len(payload), content_type="text/plain")
    try:
        resp = client.get_object(bucket, name)
        try:
            assert resp.read() == payload
        finally:
            resp.close()
            resp.release_conn()
    finally:
        client.remove_object(bucket, name)
