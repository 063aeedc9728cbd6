"""Officer search at archive scale: index N generated records into Tantivy and Elasticsearch, then time the
queries officers type with today's query and, on the same index, with the query of main before issue 13
(``bench.search_baseline``) — p50/p95 per kind of query, each query run both ways in turn, then the ratio.

    uv run python -m bench search --sizes 100000 --engines tantivy,elasticsearch
(Elasticsearch: --es-url, else the test server from tests/servers is started on loopback. --index-dir keeps
the Tantivy index there and reuses it when it already holds N records, so several runs pay the indexing once.)

Latency is wall time per query in this one process; for Tantivy the process's CPU time per query is shown
too, which a machine shared with other work inflates far less. The indexing rate counts the time inside the
index's calls only, not the generation of the records.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

QUERIES_PER_KIND = 200


def docs(n: int, seed: int) -> Iterator:
    from index import IndexDoc
    from samples import generate_records

    for rec in generate_records(n, seed=seed):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        yield IndexDoc(rid, rtype, {k: v for k, v in rec.items() if v not in (None, "")})


def officer_queries(sample: list, seed: int) -> dict[str, list]:
    """Queries built from records known to be in the index, the way officers type them."""
    from bench.common import typo
    from domain.text import fold
    from index import SearchQuery

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


def baseline_search(ix, q) -> tuple[int, list]:
    """The pre-issue-13 query on ``ix``'s index, hits read back the way ``search`` does."""
    from bench.search_baseline import es_query, tantivy_query

    parsed = q.parsed()
    if hasattr(ix, "client"):
        r = ix.client.search(index=ix.alias, query=es_query(parsed, q), from_=q.offset, size=q.limit,
                             track_total_hits=True, source=["record_id", "type", "batch_id", "payload"])
        hits = [(h["_source"]["record_id"], round(float(h["_score"] or 0.0), 4)) for h in r["hits"]["hits"]]
        return int(r["hits"]["total"]["value"]), hits
    ix.index.reload()
    searcher = ix.index.searcher()
    r = searcher.search(tantivy_query(ix.schema, parsed, q), limit=q.limit, offset=q.offset, count=True)
    hits = []
    for score, address in r.hits:
        doc = searcher.doc(address)
        json.loads(doc.get_first("payload"))
        hits.append((doc.get_first("record_id"), round(float(score), 4)))
    return r.count or 0, hits


def timed(ix, queries: list) -> dict[str, dict[str, float]]:
    """Each query with both queries in turn (the same load on both): wall and CPU ms, found, agreement."""
    runs = {"baseline": (lambda q: baseline_search(ix, q)),
            "new": (lambda q: (lambda r: (r.total, [(h.record_id, h.score) for h in r.hits]))(ix.search(q)))}
    wall: dict[str, list[float]] = {k: [] for k in runs}
    cpu: dict[str, list[float]] = {k: [] for k in runs}
    found = dict.fromkeys(runs, 0)
    same = 0
    for q in queries:
        got = {}
        for side, run in runs.items():
            t, c = time.perf_counter(), time.process_time()
            got[side] = run(q)
            cpu[side].append((time.process_time() - c) * 1000)
            wall[side].append((time.perf_counter() - t) * 1000)
            found[side] += got[side][0] > 0
        same += got["baseline"] == got["new"]
    p95 = lambda xs: statistics.quantiles(xs, n=20)[18]  # noqa: E731
    return {side: {"p50": statistics.median(wall[side]), "p95": p95(wall[side]), "cpu50": statistics.median(cpu[side]),
                   "cpu95": p95(cpu[side]), "found": found[side] / len(queries), "same": same / len(queries)}
            for side in runs}


def load(ix, n: int, seed: int) -> float:
    """Records per second spent inside the index's calls (generating the records is not counted)."""
    spent = 0.0
    if hasattr(ix, "reindex"):  # Elasticsearch: bulk into a fresh index, swap the alias
        making = 0.0

        def generated() -> Iterator:
            nonlocal making
            it = docs(n, seed)
            while True:
                t = time.perf_counter()
                d = next(it, None)
                making += time.perf_counter() - t
                if d is None:
                    return
                yield d

        t = time.perf_counter()
        ix.reindex(generated())
        spent = time.perf_counter() - t - making
    else:
        chunk: list = []
        for d in [*docs(n, seed), None]:
            if d is not None:
                chunk.append(d)
            if len(chunk) == 20_000 or (d is None and chunk):
                t = time.perf_counter()
                ix.upsert(chunk)
                spent += time.perf_counter() - t
                chunk = []
    assert ix.count() == n, f"{ix.count()} of {n} documents indexed"
    return n / spent


def open_tantivy(path: Path, n: int, seed: int) -> tuple[object, float | None]:
    """The index at ``path``, filled with the N records unless it already holds them (rate None then)."""
    from index.tantivy_index import TantivyIndex

    ix = TantivyIndex(path)
    if ix.count() == n:
        return ix, None
    ix.clear()
    return ix, load(ix, n, seed)


def measure(engine: str, n: int, seed: int, es_url: str | None, index_dir: Path | None) -> dict:
    """One engine at one size, in this process: the indexing rate and each kind's latencies, both queries."""
    sample = list(docs(min(n, 20_000), seed))  # the first records of the same stream: all indexed
    queries = officer_queries(sample, seed)
    with tempfile.TemporaryDirectory() as tmp:
        if engine == "tantivy":
            ix, rate = open_tantivy((index_dir or Path(tmp)) / f"tantivy-{n}-{seed}", n, seed)
        else:
            from index.es_index import ElasticIndex

            ix = ElasticIndex.from_url(f"{es_url.rstrip('/')}/bench-{uuid.uuid4().hex[:8]}", timeout_s=300)
            rate = load(ix, n, seed)
        try:
            return {"rate": rate, "kinds": {kind: timed(ix, qs) for kind, qs in queries.items()}}
        finally:
            if hasattr(ix, "drop"):
                ix.drop()
            ix.close()


def profile_indexing(n: int, seed: int) -> None:
    """Where embedded indexing's time goes once the caches are warm (as in a long reindex): the N records'
    values analysed once first, then cProfile around ``TantivyIndex.upsert`` of the same N records."""
    import cProfile
    import pstats

    from bench.common import machine, table
    from index.tantivy_index import TantivyIndex

    for d in docs(n, seed):
        d.analysed()
    batch = list(docs(n, seed))
    with tempfile.TemporaryDirectory() as tmp:
        ix = TantivyIndex(Path(tmp) / "ix")
        prof = cProfile.Profile()
        t, c = time.perf_counter(), time.process_time()
        prof.enable()
        ix.upsert(batch)
        prof.disable()
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        ix.close()
    stats = pstats.Stats(prof).stats  # {(file, line, name): (calls, primitive, tottime, cumtime, callers)}
    total = sum(v[2] for v in stats.values())
    top = sorted(stats.items(), key=lambda kv: -kv[1][2])[:12]
    rows = [[f"{Path(k[0]).name}:{k[2]}" if k[0] != "~" else k[2], f"{v[0]:,}", f"{v[2]:.2f}", f"{v[2] / total:.0%}",
             f"{v[3]:.2f}"] for k, v in top]
    load_avg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"indexing profile: {n:,} records, warm caches, under cProfile — {machine()}; load average {load_avg}; "
          f"{n / wall:,.0f} records/s wall, {n / cpu:,.0f} records/s CPU")
    print(table(["function", "calls", "own s", "share", "with callees s"], rows))


def main(argv: list[str] | None = None) -> None:
    from bench.common import machine, table

    ap = argparse.ArgumentParser(prog="bench search")
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--es-url", default=None)
    ap.add_argument("--engines", default="tantivy,elasticsearch")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--index-dir", type=Path, default=None, help="keep (and reuse) the Tantivy index here")
    ap.add_argument("--profile-indexing", type=int, default=0, metavar="N",
                    help="instead: profile embedded indexing of N records (warm caches) and print where time goes")
    args = ap.parse_args(argv)
    if args.profile_indexing:
        return profile_indexing(args.profile_indexing, args.seed)
    engines = args.engines.split(",")
    es_url = args.es_url
    if "elasticsearch" in engines and not es_url:
        from tests.servers.launch import ensure_elasticsearch

        es_url = ensure_elasticsearch()
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        for engine in engines:
            got = measure(engine, n, args.seed, es_url, args.index_dir)
            if got["rate"]:
                rows.append([engine, f"{n:,}", "indexing (records/s)", "", f"{got['rate']:,.0f}", ""])
            for kind, m in got["kinds"].items():
                old, new = m["baseline"], m["new"]
                rows.append(_row(engine, n, f"{kind}: p50 ms", old["p50"], new["p50"]))
                rows.append(_row(engine, n, f"{kind}: p95 ms", old["p95"], new["p95"]))
                if engine == "tantivy":
                    rows.append(_row(engine, n, f"{kind}: CPU p95 ms", old["cpu95"], new["cpu95"]))
                rows.append([engine, f"{n:,}", f"{kind}: found / same results",
                             f"{old['found']:.0%}", f"{new['found']:.0%} / {new['same']:.0%}", ""])
    load_avg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"search: {QUERIES_PER_KIND} queries per kind, one client, sequential, each query both ways in turn — "
          f"{machine()}; load average {load_avg}; baseline: the query before issue 13 (bench.search_baseline)")
    print(table(["engine", "records", "measure", "baseline", "new", "ratio"], rows))


def _row(engine: str, n: int, what: str, old: float, new: float) -> list[str]:
    """The ratio reads "times faster": baseline / new."""
    return [engine, f"{n:,}", what, f"{old:.1f}", f"{new:.1f}", f"{old / new:.2f}×" if new else ""]


if __name__ == "__main__":
    main()
