"""Elasticsearch as an archive grows: ONE index grown step by step (the first 1M generated records, measure;
the next 1M, measure; ...), so the last step costs its own records of indexing and no more. At each step:
size on disk per shard and segments (after a refresh), the node's heap, then the officers' queries (drawn from
records already indexed) with p50/p95 and the node's CPU per query, read from /proc/<pid>/stat of its java
process. Each step is measured once the node has merged what the load left (a load ends by asking for a merge,
``ElasticIndex._merge``); ``--forcemerge`` adds, after the last step, the size and queries once merged to one segment.

    uv run --frozen python -m bench scale --steps 1000000,2000000,5000000

Elasticsearch: --es-url, else the test node of tests/servers (a node of its own, with its own heap, data and
ports: SOHOA_CACHE=... SOHOA_TEST_ES_PORT=... SOHOA_TEST_ES_TRANSPORT_PORT=... SOHOA_TEST_ES_HEAP=2g).
Loading runs niced (this process +15, the node's threads +10, so others sharing the cores keep theirs); both
go back to 0 before the queries are timed — lowering a niceness again needs root, else it says so. Where the
kernel groups processes by session (``/proc/sys/kernel/sched_autogroup_enabled`` = 1, as on the machine these
figures come from), niceness orders processes within one session only: other sessions' jobs still get their
fair share against this one, niced or not.
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress

QUERY_SAMPLE = 20_000  # records kept (uniformly over everything indexed so far) to draw the queries from
WARM_UP = 20  # untimed queries per kind before the timed ones


def parse_steps(text: str) -> list[int]:
    """``"1000000,2M,500k"`` → record counts, strictly increasing (the index only grows)."""
    steps = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        mult = {"k": 1_000, "m": 1_000_000}.get(part[-1:], 1)
        try:
            n = int(part[:-1] if mult > 1 else part) * mult
        except ValueError:
            raise ValueError(f"bước không hợp lệ: {part!r} (ví dụ 1000000 hoặc 1M)") from None
        if n <= 0 or (steps and n <= steps[-1]):
            raise ValueError(f"các bước phải dương và tăng dần: {text!r}")
        steps.append(n)
    if not steps:
        raise ValueError("cần ít nhất một bước")
    return steps


class Sampled:
    """The generated records, streamed once; keeps a uniform sample of those already yielded (reservoir)."""

    def __init__(self, records: Iterator, seed: int, size: int = QUERY_SAMPLE) -> None:
        self.records, self.size, self.rng, self.seen, self.sample = records, size, random.Random(seed), 0, []

    def take(self, n: int) -> Iterator:
        for d in itertools.islice(self.records, n):
            self.seen += 1
            if len(self.sample) < self.size:
                self.sample.append(d)
            elif (j := self.rng.randrange(self.seen)) < self.size:
                self.sample[j] = d
            yield d


# -- the node, from outside -------------------------------------------------------------------------
def node_pid(client) -> int | None:
    """The java process of the local node, when it runs on this machine (else None: no CPU figures)."""
    nodes = client.nodes.info(node_id="_local", metric="process")["nodes"]
    pid = next(iter(nodes.values()))["process"]["id"]
    return pid if os.path.exists(f"/proc/{pid}/stat") else None


def cpu_s(pid: int | None) -> float:
    """User + system CPU seconds of a process, all its threads (fields 14 and 15 of /proc/<pid>/stat)."""
    if pid is None:
        return float("nan")
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # after the command name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def renice(pid: int | None, value: int) -> bool:
    """Every thread of ``pid`` (Linux niceness is per thread: the process's own call changes one only)."""
    if pid is None:
        return False
    ok = True
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.setpriority(os.PRIO_PROCESS, int(tid), value)
        except ProcessLookupError:
            continue  # a thread that ended meanwhile
        except PermissionError:
            ok = False
    return ok


def shard_stats(client, index: str) -> list[dict]:
    """Primary shards: documents, bytes of their segments, segments. From the segments themselves, not
    ``_cat/shards``' store size, which the node caches for 10 s (index.store.stats_refresh_interval)."""
    shards: dict[int, dict] = {}
    for g in client.cat.segments(index=index, format="json", bytes="b"):
        if g["prirep"] != "p":
            continue
        s = shards.setdefault(int(g["shard"]), {"shard": int(g["shard"]), "docs": 0, "bytes": 0, "segments": 0})
        s["docs"] += int(g["docs.count"] or 0)
        s["bytes"] += int(g["size"] or 0)
        s["segments"] += 1
    return [shards[k] for k in sorted(shards)]


def heap_used(client) -> tuple[int, int]:
    jvm = next(iter(client.nodes.stats(node_id="_local", metric="jvm")["nodes"].values()))["jvm"]["mem"]
    return jvm["heap_used_in_bytes"], jvm["heap_max_in_bytes"]


# -- one step ---------------------------------------------------------------------------------------
def measure(ix, pid: int | None, sample: list, seed: int) -> dict:
    """Index figures and the officers' queries, node CPU per query included."""
    from bench.search import officer_queries, timed

    client = ix.client
    index = ix.physical_indexes()[0]
    client.indices.refresh(index=index)
    shards = shard_stats(client, index)
    # A few untimed queries of another draw first: the JIT and the caches the first query of a kind would pay.
    for queries in officer_queries(sample, seed + 7).values():
        for q in queries[:WARM_UP]:
            ix.search(q)
    kinds = {}
    for kind, queries in officer_queries(sample, seed).items():
        before = cpu_s(pid)
        got = timed(ix, queries)[0]
        got["node cpu"] = (cpu_s(pid) - before) * 1000 / len(queries)
        kinds[kind] = got
    used, most = heap_used(client)
    return {"shards": shards, "heap": used, "heap max": most, "kinds": kinds,
            "load": os.getloadavg()}


def grow(ix, steps: list[int], seed: int, *, nice: bool = True, forcemerge: bool = False,
         report=None) -> list[dict]:
    """Grow ``ix`` through ``steps`` (record counts), measuring at each; ``report(result)`` per step."""
    from bench.search import docs, settled

    pid = node_pid(ix.client)
    stream = Sampled(docs(steps[-1], seed), seed)
    results, done = [], 0
    for n in steps:
        if nice:
            renice(pid, 10)
            renice(os.getpid(), 15)
        t, c, node_c = time.perf_counter(), time.process_time(), cpu_s(pid)
        with ix.bulk():
            ix.upsert(stream.take(n - done))
        wall, cpu, node_cpu = time.perf_counter() - t, time.process_time() - c, cpu_s(pid) - node_c
        restored = renice(pid, 0) & renice(os.getpid(), 0) if nice else True
        t = time.perf_counter()
        settled(ix)  # the merge the load asked for, done before the step is measured
        merging = time.perf_counter() - t
        count = ix.count()
        if count != n:
            raise SystemExit(f"{count:,} of {n:,} records in the index")
        step = {"records": n, "added": n - done, "wall s": wall, "client cpu s": cpu, "node cpu s": node_cpu,
                "settled s": merging, "reniced back": restored, **measure(ix, pid, stream.sample, seed + n)}
        done = n
        results.append(step)
        if report:
            report(step)
    if forcemerge:
        results.append(merged(ix, pid, stream.sample, seed + done + 1, nice=nice))
        if report:
            report(results[-1])
    return results


def merged(ix, pid: int | None, sample: list, seed: int, *, nice: bool = True) -> dict:
    """Force-merge to one segment (niced, as loading), then measure: a read-mostly archive's best case."""
    index = ix.physical_indexes()[0]
    if nice:
        renice(pid, 10)
    t = time.perf_counter()
    ix.client.options(request_timeout=7200).indices.forcemerge(index=index, max_num_segments=1)
    took = time.perf_counter() - t
    restored = renice(pid, 0) if nice else True
    return {"records": ix.count(), "merged": True, "merge wall s": took, "reniced back": restored,
            **measure(ix, pid, sample, seed)}


def existing(ix, seed: int, sample_of: int, *, nice: bool = True, forcemerge: bool = False) -> dict:
    """An index this bench grew and kept (--keep, or a clone of it): queries drawn from its first
    ``sample_of`` records (the generated stream is the same for a seed, so they are known to be in it)."""
    from bench.search import docs

    stream = Sampled(docs(sample_of, seed), seed)
    for _ in stream.take(sample_of):
        pass
    pid = node_pid(ix.client)
    if forcemerge:
        return merged(ix, pid, stream.sample, seed + 1, nice=nice)
    return {"records": ix.count(), **measure(ix, pid, stream.sample, seed + 1)}


# -- output -----------------------------------------------------------------------------------------
def _mib(b: float) -> str:
    return f"{b / 2**20:,.1f}"


def _size(step: dict) -> int:
    """Bytes of a step's primary shards."""
    return sum(s["bytes"] for s in step["shards"])


def _append(path: str | None, step: dict) -> None:
    """One step's figures as a JSON line (``--json``), so that a run stopped early keeps what it measured."""
    if path:
        with open(path, "a") as f:
            f.write(json.dumps(step) + "\n")


def index_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        size = _size(r)
        if "added" in r:
            rate = f"{r['added'] / r['wall s']:,.0f}"
            if "settled s" in r:  # (the last 5 s of it quiet)
                rate += f", merges settled {r['settled s']:,.0f} s later"
            cpu = f"{r['client cpu s'] * 1000 / r['added']:.2f} / {r['node cpu s'] * 1000 / r['added']:.2f}"
        elif r.get("merged"):
            rate, cpu = f"merged in {r['merge wall s']:,.0f} s", ""
        else:
            rate, cpu = "", ""
        rows.append([f"{r['records']:,}" + (" (1 segment)" if r.get("merged") else ""), rate, cpu,
                     " / ".join(_mib(s["bytes"]) for s in r["shards"]), f"{size / r['records']:,.0f}",
                     " / ".join(str(s["segments"]) for s in r["shards"]),
                     f"{_mib(r['heap'])} of {_mib(r['heap max'])}", " / ".join(f"{x:.1f}" for x in r["load"])])
    return rows


def query_rows(results: list[dict]) -> list[list[str]]:
    rows = []
    for r in results:
        for kind, m in r["kinds"].items():
            rows.append([f"{r['records']:,}" + (" (1 segment)" if r.get("merged") else ""), kind,
                         f"{m['p50']:.1f}", f"{m['p95']:.1f}", f"{m['node cpu']:.1f}", f"{m['cpu p50']:.1f}",
                         f"{m['found']:.0%}"])
    return rows


INDEX_HEADERS = ["records", "added, records/s", "loading CPU ms/record, client / node", "size per shard (MiB)",
                 "bytes/record", "segments",
                 "heap used (MiB)", "load average at the queries"]
QUERY_HEADERS = ["records", "query", "p50 ms", "p95 ms", "node CPU ms/query", "client CPU p50 ms", "found"]


def ratios(results: list[dict]) -> list[list[str]]:
    """Last step against the first: records, size and each kind's p95 and node CPU (a straight line is 1:1)."""
    grown = [r for r in results if not r.get("merged")]
    if len(grown) < 2:
        return []
    first, last = grown[0], grown[-1]
    rows = [["records", f"{last['records'] / first['records']:.2f}×"],
            ["size on disk", f"{_size(last) / _size(first):.2f}×"]]
    for kind in first["kinds"]:
        a, b = first["kinds"][kind], last["kinds"][kind]
        rows.append([f"{kind}: p95", f"{b['p95'] / a['p95']:.2f}×"])
        rows.append([f"{kind}: node CPU", f"{b['node cpu'] / a['node cpu']:.2f}×" if a["node cpu"] else ""])
    return rows


def main(argv: list[str] | None = None) -> None:
    from bench.common import machine, table
    from index.es_index import ElasticIndex

    ap = argparse.ArgumentParser(prog="bench scale")
    ap.add_argument("--steps", default="100000,200000", help="record counts the one index grows through")
    ap.add_argument("--shards", type=int, default=1)
    ap.add_argument("--es-url", default=None)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--forcemerge", action="store_true", help="after the last step: merge to one segment, measure")
    ap.add_argument("--no-nice", dest="nice", action="store_false", help="load at normal priority")
    ap.add_argument("--json", default=None, help="also append each step's figures to this file (JSON lines)")
    ap.add_argument("--keep", action="store_true", help="leave the index on the node afterwards")
    ap.add_argument("--render", default=None, metavar="JSONL",
                    help="instead: print the tables of a run saved with --json (one stopped early included)")
    ap.add_argument("--existing", default=None, metavar="ALIAS",
                    help="instead: measure an index grown and kept before (with --forcemerge: merged first)")
    ap.add_argument("--sample-of", type=int, default=1_000_000,
                    help="with --existing: draw the queries from the first N records of the seed's stream")
    args = ap.parse_args(argv)
    if args.render:
        with open(args.render) as f:
            return summary([json.loads(line) for line in f if line.strip()])
    try:
        steps = parse_steps(args.steps)
    except ValueError as exc:
        sys.exit(f"bench scale: {exc}")
    es_url = args.es_url
    if not es_url:
        from tests.servers.launch import ensure_elasticsearch

        es_url = ensure_elasticsearch()
    base = ElasticIndex.from_url(es_url, timeout_s=300)
    if args.existing:
        ix = ElasticIndex(base.client, args.existing)
        got = existing(ix, args.seed, args.sample_of, nice=args.nice, forcemerge=args.forcemerge)
        ix.close()
        _append(args.json, got)
        return summary([got])
    # Replicas 0: one node holds the primaries only, and the sizes are those of the primaries.
    ix = ElasticIndex(base.client, f"bench-scale-{uuid.uuid4().hex[:8]}", shards=args.shards, replicas=0)
    print(f"scale: Elasticsearch at {es_url}, {args.shards} shard(s), steps {', '.join(f'{n:,}' for n in steps)} "
          f"— {machine()}", flush=True)

    def report(step: dict) -> None:
        results.append(step)
        print(table(INDEX_HEADERS, index_rows([step])), flush=True)
        print(table(QUERY_HEADERS, query_rows([step])), flush=True)
        _append(args.json, step)

    results: list[dict] = []
    try:
        grow(ix, steps, args.seed, nice=args.nice, forcemerge=args.forcemerge, report=report)
    except KeyboardInterrupt:  # a long run stopped by hand: the steps already measured still make the table
        print(f"\ninterrupted after {len(results)} step(s)", flush=True)
        if not results:
            raise
    finally:
        if not args.keep:
            with suppress(Exception):
                ix.drop()
        ix.close()
    summary(results)


def summary(results: list[dict]) -> None:
    from bench.common import machine, table
    from bench.search import QUERIES_PER_KIND

    if not all(r.get("reniced back", True) for r in results):
        print("note: the niceness could not be put back to 0 (not root): queries were timed niced")
    grown = len([r for r in results if not r.get("merged")])
    print(f"\nscale: one index grown through {grown} steps; {QUERIES_PER_KIND} queries per kind, one client, "
          f"sequential — {machine()}")
    print(table(INDEX_HEADERS, index_rows(results)))
    print()
    print(table(QUERY_HEADERS, query_rows(results)))
    if rows := ratios(results):
        print()
        print(table(["last step / first", "ratio"], rows))


if __name__ == "__main__":
    main()
