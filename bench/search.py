"""Officer search at archive scale: index N generated records into Tantivy and into Elasticsearch, then time
the queries officers type. Side by side: indexing rate, p50/p95 latency per kind of query.

    uv run python -m bench search --sizes 100000,1000000
(Elasticsearch: --es-url, else the test server from tests/servers is started on loopback.)
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

from domain.text import fold
from index import IndexDoc, SearchIndex, SearchQuery

from .common import machine, table, typo

QUERIES_PER_KIND = 200


def docs(n: int, seed: int) -> Iterator[IndexDoc]:
    from samples import generate_records

    for rec in generate_records(n, seed=seed):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        yield IndexDoc(rid, rtype, {k: v for k, v in rec.items() if v not in (None, "")})



def officer_queries(sample: list[IndexDoc], seed: int) -> dict[str, list[SearchQuery]]:
    """Queries built from records known to be in the index, the way officers type them."""
    rng = random.Random(seed)
    people = [d for d in sample if d.type in ("birth", "death") and d.fields.get("full_name")]
    births = [d for d in people if d.fields.get("date_of_birth") and d.fields.get("father_name")]
    pick = lambda pool: [rng.choice(pool) for _ in range(QUERIES_PER_KIND)]  # noqa: E731
    return {
        "name + birth year": [SearchQuery(f"{d.fields['full_name']} {str(d.fields['date_of_birth'])[:4]}")
                              for d in pick(people)],
        "fuzzy name (no diacritics, 1 typo)": [
            SearchQuery(" ".join(typo(w, rng) if i == len(ws) - 1 else w for i, w in enumerate(ws)))
            for d in pick(people) for ws in [fold(str(d.fields["full_name"])).split()]],
        "ID number": [SearchQuery(str(d.fields["personal_id"])) for d in pick(people) if d.fields.get("personal_id")],
        "fielded (father + type)": [SearchQuery(f'cha:"{fold(str(d.fields["father_name"]))}"', type=d.type)
                                    for d in pick(births)],
    }


def timed(ix: SearchIndex, queries: list[SearchQuery]) -> tuple[float, float, float]:
    lat, found = [], 0
    for q in queries:
        t = time.perf_counter()
        res = ix.search(q)
        lat.append((time.perf_counter() - t) * 1000)
        found += res.total > 0
    q = statistics.quantiles(lat, n=20)
    return statistics.median(lat), q[18], found / len(queries)


def load(name: str, make: Callable[[], SearchIndex], n: int, seed: int) -> tuple[SearchIndex, float]:
    ix = make()
    t = time.perf_counter()
    if hasattr(ix, "reindex"):  # Elasticsearch: bulk into a fresh index, swap the alias
        ix.reindex(docs(n, seed))
    else:
        chunk: list[IndexDoc] = []
        for d in docs(n, seed):
            chunk.append(d)
            if len(chunk) == 20_000:
                ix.upsert(chunk)
                chunk = []
        ix.upsert(chunk)
    rate = n / (time.perf_counter() - t)
    assert ix.count() == n, f"{name}: {ix.count()} of {n} documents indexed"
    return ix, rate


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench search")
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--es-url", default=None)
    ap.add_argument("--engines", default="tantivy,elasticsearch")
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args(argv)
    engines = args.engines.split(",")
    es_url = args.es_url
    if "elasticsearch" in engines and not es_url:
        from tests.servers.launch import ensure_elasticsearch

        es_url = ensure_elasticsearch()

    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        sample = list(docs(min(n, 20_000), args.seed))  # the first records of the same stream: all indexed
        queries = officer_queries(sample, args.seed)
        with tempfile.TemporaryDirectory() as tmp:
            makers: dict[str, Callable[[], SearchIndex]] = {}
            if "tantivy" in engines:
                from index.tantivy_index import TantivyIndex

                makers["tantivy"] = lambda: TantivyIndex(Path(tmp) / "ix")
            if "elasticsearch" in engines:
                from index.es_index import ElasticIndex

                makers["elasticsearch"] = lambda: ElasticIndex.from_url(
                    f"{es_url.rstrip('/')}/bench-{uuid.uuid4().hex[:8]}", timeout_s=120)
            for name, make in makers.items():
                ix, rate = load(name, make, n, args.seed)
                try:
                    for kind, qs in queries.items():
                        p50, p95, hit = timed(ix, qs)
                        rows.append([name, f"{n:,}", f"{rate:,.0f}", kind, f"{p50:.1f}", f"{p95:.1f}",
                                     f"{hit:.0%}"])
                finally:
                    if hasattr(ix, "drop"):
                        ix.drop()
                    ix.close()
    print(f"search: {QUERIES_PER_KIND} queries per kind, one client, sequential — {machine()}")
    print(table(["engine", "records", "indexed/s", "query", "p50 ms", "p95 ms", "found"], rows))


if __name__ == "__main__":
    main()
