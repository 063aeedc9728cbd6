"""Pages per minute of a whole book through `sohoa ingest`: the local process pool (embedded mode) against two
Celery workers (distributed mode: PostgreSQL, MinIO, Elasticsearch, Redis), on the same pages and cores.

    uv run python -m bench ingest --pages 12
(The servers are the test servers of tests/servers, started on loopback when not running.)
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .common import PeakRss, machine, table

SOHOA = [sys.executable, "-m", "api"]


def _env(**sohoa: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update({f"SOHOA_{k.upper()}": v for k, v in sohoa.items()})
    return env


def _timed_ingest(book: Path, env: dict[str, str], watch: list[int]) -> tuple[float, float]:
    start = time.perf_counter()
    proc = subprocess.Popen([*SOHOA, "ingest", str(book), "--json"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    samplers = [PeakRss(pid).__enter__() for pid in [proc.pid, *watch]]
    out, err = proc.communicate(timeout=3600)
    elapsed = time.perf_counter() - start
    for s in samplers:
        s.__exit__()
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"ingest failed ({proc.returncode}): {err.decode()[-2000:]}")
    return elapsed, sum(s.peak for s in samplers) / 2**20


def _distributed(work: Path, uid: str) -> tuple[dict[str, str], callable]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.servers.launch import ensure_all

    urls = ensure_all()
    base = make_url(urls["SOHOA_TEST_DATABASE_URL"])
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{uid}"'))
    s3 = urlsplit(urls["SOHOA_TEST_S3_URL"])
    redis = urlsplit(urls["SOHOA_TEST_REDIS_URL"])
    settings = {
        "home": str(work / "dist-home"),
        "database_url": base.set(database=uid).render_as_string(hide_password=False),
        "storage_url": urlunsplit(s3._replace(path=f"/{uid}/objects")),
        "index_url": f"{urls['SOHOA_TEST_ES_URL'].rstrip('/')}/{uid}",
        "broker_url": urlunsplit(redis._replace(path="/13")),
        "workers": "1",
    }

    def cleanup() -> None:
        from index.es_index import ElasticIndex
        from storage.s3 import S3ObjectStore

        ElasticIndex.from_url(settings["index_url"]).drop()
        store = S3ObjectStore.from_url(settings["storage_url"])
        for obj in store.client.list_objects(store.bucket, recursive=True):
            store.client.remove_object(store.bucket, obj.object_name)
        store.client.remove_bucket(store.bucket)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{uid}" WITH (FORCE)'))

    return settings, cleanup


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench ingest")
    ap.add_argument("--pages", type=int, default=12)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args(argv)
    from samples import generate_book

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        book = generate_book(work / "book", record_type="mixed", pages=args.pages, seed=21, degradation="moderate",
                             fmt="pdf").path

        secs, mib = _timed_ingest(book, _env(home=str(work / "local-home"), workers=str(args.workers)), [])
        rows.append(["local process pool", args.workers, f"{args.pages / secs * 60:.1f}", f"{secs:.1f}",
                     f"{mib:.0f}"])

        uid = "bench" + uuid.uuid4().hex[:8]
        settings, cleanup = _distributed(work, uid)
        env = _env(**settings)
        workers = [subprocess.Popen([*SOHOA, "worker", "--concurrency", "1", "--hostname", f"bench{i}@%h"],
                                    env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    start_new_session=True) for i in range(args.workers)]
        try:
            time.sleep(15)  # workers are long-running in production: their start-up is not part of the rate
            secs, mib = _timed_ingest(book, env, [w.pid for w in workers])
            rows.append(["Celery workers (--concurrency 1)", args.workers, f"{args.pages / secs * 60:.1f}",
                         f"{secs:.1f}", f"{mib:.0f}"])
        finally:
            for w in workers:
                os.killpg(w.pid, signal.SIGTERM)
            for w in workers:
                w.wait(timeout=60)
            cleanup()

    print(f"ingest: {args.pages}-page book (mixed types, moderate scans) — {machine()}")
    print(table(["executor", "processes", "pages/min", "wall s", "peak MiB (CLI + workers)"], rows))
    print("Distributed mode also pays PostgreSQL, MinIO and Elasticsearch round trips (running on the same 2 cores).")


if __name__ == "__main__":
    main()
