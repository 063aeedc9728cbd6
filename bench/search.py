"""Officer search at archive scale, beside the implementation it replaces: index N generated records into
Tantivy and Elasticsearch, time the queries officers type, and do the same with the index code of a baseline
commit (checked out in a temporary git worktree) — indexing rate, p50/p95 per kind of query, then the ratio.

    uv run python -m bench search --sizes 100000 --baseline 8fa0bc8
(8fa0bc8: main before issue 13's index work. Elasticsearch: --es-url, else the test server from
tests/servers is started on loopback. --baseline none: the current code only.)

Each side runs in a fresh process (cold caches, the same generated records); the indexing rate counts the
time inside the index's calls only, not the generation of the records, by the clock and by the process's CPU
(Tantivy's indexing threads included; for Elasticsearch the client's only). "Cold" is the process's first
pass over the records, its places looked up as a command does (a new home's, and the gazetteer's table made at
set-up where the code has one); "warm" the same records again into a second, empty index, as a long reindex runs once
its caches hold the archive's places and names (--no-warm skips it). Queries: latency and CPU, p50/p95, once
Elasticsearch's merges of the new index have settled and after 50 untimed queries of each kind about other
people (a server that has been answering: its code compiled, common names' postings cached); then the same
queries as the officer's search page asks them, each with its counts by type and year ("with facets"), and
each one's second page asked right after its first ("next page").
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

QUERIES_PER_KIND = 200
WARM_UP = 50  # queries of each kind, untimed, before the timed ones
REPO = Path(__file__).resolve().parent.parent


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


def timed(ix, queries: list, facets: bool = False, pages: int = 1) -> list[dict[str, float]]:
    """Latency (wall) and CPU (this process's, all its threads) per query, in ms, for each of ``pages`` pages
    asked one after the other, as an officer turns them; with ``facets``, of the officer's search page: the
    search and its counts by type and year (``ix.facets``)."""
    paged = [[replace(q, offset=page * q.limit) for q in queries] for page in range(pages)]
    lat, cpu, found = [[] for _ in paged], [[] for _ in paged], [0 for _ in paged]
    for asked in zip(*paged, strict=True):
        for i, q in enumerate(asked):
            t, c = time.perf_counter(), time.process_time()
            res = ix.search(q)
            if facets:
                ix.facets(q)
            lat[i].append((time.perf_counter() - t) * 1000)
            cpu[i].append((time.process_time() - c) * 1000)
            found[i] += res.total > 0
    p95 = lambda xs: statistics.quantiles(xs, n=20)[18]  # noqa: E731
    return [{"p50": statistics.median(lat[i]), "p95": p95(lat[i]), "cpu p50": statistics.median(cpu[i]),
             "cpu p95": p95(cpu[i]), "found": found[i] / len(queries)} for i in range(pages)]


def load(ix, n: int, seed: int) -> dict[str, float]:
    """Records per second spent inside the index's calls (generating the records is not counted), by the clock
    and by CPU: this process's (Tantivy's indexing threads included) and that of the processes it started to
    build documents (``index.builders``); Elasticsearch's server is not counted."""
    spent = cpu = 0.0
    kids = _children_cpu()
    if hasattr(ix, "reindex"):  # Elasticsearch: bulk into a fresh index, swap the alias
        making = making_cpu = 0.0

        def generated() -> Iterator:
            nonlocal making, making_cpu
            it = docs(n, seed)
            while True:
                t, c = time.perf_counter(), time.process_time()
                d = next(it, None)
                making += time.perf_counter() - t
                making_cpu += time.process_time() - c
                if d is None:
                    return
                yield d

        t, c = time.perf_counter(), time.process_time()
        ix.reindex(generated())
        spent, cpu = time.perf_counter() - t - making, time.process_time() - c - making_cpu
    else:  # as `sohoa reindex` loads (workers.stages.reindex_all): upserts of chunks inside bulk()
        chunk: list = []
        with ix.bulk():
            for d in itertools.chain(docs(n, seed), [None]):  # streamed: a million records never all in memory
                if d is not None:
                    chunk.append(d)
                if len(chunk) == 20_000 or (d is None and chunk):
                    t, c = time.perf_counter(), time.process_time()
                    ix.upsert(chunk)
                    spent += time.perf_counter() - t
                    cpu += time.process_time() - c
                    chunk = []
    cpu += _children_cpu() - kids  # (they have ended with the load: shut down at the end of bulk / reindex)
    assert ix.count() == n, f"{ix.count()} of {n} documents indexed"
    return {"wall": n / spent, "cpu": n / cpu}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def settled(ix, quiet_s: float = 5.0) -> None:
    """Elasticsearch: wait until the new index's background merges have stopped for ``quiet_s``, so queries
    are timed on the index as it stands once a reindex settles, not on a node busy merging what it was just
    sent (Tantivy merges before its commit returns)."""
    if not hasattr(ix, "client"):
        return
    quiet_since = time.monotonic()
    while time.monotonic() - quiet_since < quiet_s:
        merges = ix.client.indices.stats(index=ix.alias, metric="merge")["_all"]["total"]["merges"]
        if merges["current"]:
            quiet_since = time.monotonic()
        time.sleep(0.5)


def _open(engine: str, where: Path, es_url: str | None, shards: int | None = None):
    if engine == "tantivy":
        from index.tantivy_index import TantivyIndex

        # a baseline's index code may not know shards: asked only when given
        return TantivyIndex(where) if shards is None else TantivyIndex(where, shards=shards)
    from index.es_index import ElasticIndex

    url = f"{es_url.rstrip('/')}/bench-{uuid.uuid4().hex[:8]}"
    return ElasticIndex.from_url(url, timeout_s=120, **({"shards": shards} if shards else {}))


def _read_places_as_commands_do(home: Path) -> None:
    """As `sohoa reindex` opens its index (``index.open_index``): the places read kept in the (new, empty) home,
    and the gazetteer's own forms looked up in the table set-up made, where the code has one (none before
    session 19: a baseline then parses every place)."""
    from index import places

    try:
        from index.places_seen import table_location
    except ImportError:
        places.remember_in(home / "places.sqlite3")
    else:
        places.remember_in(home / "places.sqlite3", table_location("auto"))


def _done(ix) -> None:
    if hasattr(ix, "drop"):
        ix.drop()
    ix.close()


def measure(engine: str, n: int, seed: int, es_url: str | None, warm: bool = True, shards: int | None = None,
            index_dir: str | None = None) -> dict:
    """One engine at one size, in this process: the indexing rate cold (the process's first sight of these
    records: every value, name and place analysed for the first time), the queries' latencies, then with
    ``warm`` the same records again into a second, empty index (what a long reindex settles to once its
    caches have seen an archive's places and names). ``index_dir`` (Tantivy): the index is kept there, and
    one that already holds the N records is queried without being built again (no indexing rate then)."""
    sample = list(docs(min(n, 20_000), seed))  # the first records of the same stream: all indexed
    queries = officer_queries(sample, seed)
    with tempfile.TemporaryDirectory() as tmp:
        _read_places_as_commands_do(Path(tmp))
        ix = _open(engine, Path(index_dir) if index_dir else Path(tmp) / "ix", es_url, shards)
        try:
            out = {"rate": load(ix, n, seed)} if not (index_dir and ix.count() == n) else {}
            settled(ix)
            for qs in officer_queries(sample, seed + 1).values():  # other people: what a running server has
                timed(ix, qs[:WARM_UP])  # seen (compiled code, common names cached), not these queries' answers
            out["kinds"] = {kind: timed(ix, qs)[0] for kind, qs in queries.items()}
            paged = {kind: timed(ix, qs, facets=True, pages=2) for kind, qs in queries.items()}
            out["page"] = {kind: first for kind, (first, _) in paged.items()}
            out["next page"] = {kind: second for kind, (_, second) in paged.items()}
        finally:
            if not index_dir:
                _done(ix)
            else:
                ix.close()
        if warm:
            ix = _open(engine, Path(tmp) / "ix-warm", es_url, shards)
            try:
                out["warm"] = load(ix, n, seed)
            finally:
                _done(ix)
    return out


def in_process(code_root: Path, engine: str, n: int, seed: int, es_url: str | None, warm: bool = True,
               shards: int | None = None, index_dir: str | None = None) -> dict:
    """``measure`` in a fresh interpreter whose ``index`` (and the rest) is imported from ``code_root``."""
    env = {**os.environ, "PYTHONPATH": str(code_root)}
    # This file's driver, whatever the bench of ``code_root`` looks like: found last on the path, as "search".
    driver = (f"import json, sys; sys.path.append({str(REPO / 'bench')!r}); from search import measure; "
              "print(json.dumps(measure(*json.loads(sys.argv[1]))))")
    args = [sys.executable, "-c", driver, json.dumps([engine, n, seed, es_url, warm, shards, index_dir])]
    out = subprocess.run(args, cwd=code_root, env=env, capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{code_root}: {engine} at {n} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def worktree(rev: str, into: Path) -> Path:
    subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(into), rev], check=True,
                   capture_output=True)
    if (into / "index" / "places_table.py").exists():  # set up as scripts/bootstrap.sh does (session 19 on)
        subprocess.run([sys.executable, "-m", "index", "places-table"], cwd=into, check=True,
                       env={**os.environ, "PYTHONPATH": str(into)})
    return into


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
    ap.add_argument("--baseline", default="8fa0bc8", help="git revision to compare with, or 'none'")
    ap.add_argument("--no-warm", dest="warm", action="store_false",
                    help="skip the second, warm indexing pass (each size is indexed twice otherwise)")
    ap.add_argument("--shards", type=int, default=None,
                    help="shards of both sides' indexes (default: as each side's code makes a new index)")
    ap.add_argument("--index-dir", default=None,
                    help="Tantivy, one size, --baseline none: keep the index here; one already holding the N "
                         "records is queried without being built again")
    ap.add_argument("--rounds", type=int, default=1,
                    help="run each side this many times, by turns, and report each measure's median (the machine's "
                         "own drift between runs is often larger than a change)")
    ap.add_argument("--profile-indexing", type=int, default=0, metavar="N",
                    help="instead: profile embedded indexing of N records (warm caches) and print where time goes")
    args = ap.parse_args(argv)
    if args.profile_indexing:
        return profile_indexing(args.profile_indexing, args.seed)
    engines = args.engines.split(",")
    if args.index_dir and (engines != ["tantivy"] or args.baseline != "none" or "," in args.sizes):
        ap.error("--index-dir: one size, --engines tantivy, --baseline none")
    es_url = args.es_url
    if "elasticsearch" in engines and not es_url:
        from tests.servers.launch import ensure_elasticsearch

        es_url = ensure_elasticsearch()

    sides: dict[str, Callable[[str, int], dict]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        base_root = None
        if args.baseline != "none":
            base_root = worktree(args.baseline, Path(tmp) / "baseline")
            sides["baseline"] = lambda e, n: in_process(base_root, e, n, args.seed, es_url, args.warm, args.shards)
        sides["new"] = lambda e, n: in_process(REPO, e, n, args.seed, es_url, args.warm, args.shards,
                                               args.index_dir)
        rows = []
        try:
            for n in [int(s) for s in args.sizes.split(",")]:
                for engine in engines:
                    runs: dict[str, list[dict]] = {side: [] for side in sides}
                    for _ in range(args.rounds):
                        for side, run in sides.items():
                            runs[side].append(run(engine, n))
                    got = {side: _median(results) for side, results in runs.items()}
                    rows.extend(_rows(engine, n, got["new"], got.get("baseline"), args.shards))
        finally:
            if base_root is not None:
                subprocess.run(["git", "-C", str(REPO), "worktree", "remove", "--force", str(base_root)],
                               check=False, capture_output=True)
    load_avg = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    rounds = f"; the median of {args.rounds} rounds, the sides by turns" if args.rounds > 1 else ""
    print(f"search: {QUERIES_PER_KIND} queries per kind, one client, sequential — {machine()}; "
          f"load average {load_avg}; baseline {args.baseline}{rounds}")
    print(table(["engine", "records", "measure", "baseline", "new", "ratio"], rows))


def _median(results: list[dict]) -> dict:
    """Each measure's median over rounds of the same side (the results' nested dictionaries of numbers)."""
    first = results[0]
    return {key: _median([r[key] for r in results]) if isinstance(value, dict)
            else statistics.median(r[key] for r in results) for key, value in first.items()}


def _rows(engine: str, n: int, new: dict, old: dict | None, shards: int | None = None) -> list[list[str]]:
    rows = []
    cpu_of = "client CPU" if engine == "elasticsearch" else "CPU"  # the server's own work is not in this process
    if shards:
        engine = f"{engine}, {shards} shard{'s' if shards > 1 else ''}"
    for when in ("rate", "warm"):
        if when not in new:
            continue
        label = "cold" if when == "rate" else "warm"
        o = old.get(when) if old else None
        rows.append(_row(engine, n, f"indexing {label} (records/s)", o and o["wall"], new[when]["wall"], "{:,.0f}",
                         higher_is_better=True))
        rows.append(_row(engine, n, f"indexing {label}, {cpu_of} (records/s)", o and o["cpu"], new[when]["cpu"],
                         "{:,.0f}", higher_is_better=True))
    for kind, m in new["kinds"].items():
        o = old["kinds"][kind] if old else None
        for stat in ("p50", "p95", "cpu p50", "cpu p95"):
            rows.append(_row(engine, n, f"{kind}: {stat} ms", o and o[stat], m[stat], "{:.1f}"))
        if m["found"] < 1 or (o and o["found"] < 1):
            rows.append([engine, f"{n:,}", f"{kind}: found", o and f"{o['found']:.0%}", f"{m['found']:.0%}", ""])
    for page, label in (("page", "with facets"), ("next page", "next page with facets")):
        for kind, m in new.get(page, {}).items():  # the officer's search page: the search and its facets
            o = old[page][kind] if old and page in old else None
            for stat in ("p50", "p95"):
                rows.append(_row(engine, n, f"{kind}, {label}: {stat} ms", o and o[stat], m[stat], "{:.1f}"))
    return rows


def _row(engine: str, n: int, what: str, old: float | None, new: float, fmt: str,
         higher_is_better: bool = False) -> list[str]:
    """The ratio reads "times better": baseline/new for times, new/baseline for rates."""
    ratio = "" if not old else f"{(new / old if higher_is_better else old / new):.2f}×"
    return [engine, f"{n:,}", what, fmt.format(old) if old else "", fmt.format(new), ratio]


if __name__ == "__main__":
    main()
