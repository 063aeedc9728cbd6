"""A busy one-stop desk: N officers searching and opening records at once, through the real web server.

Builds an embedded installation (SQLite, local object store, Tantivy) of generated records under a temporary
SOHOA_HOME without OCR, starts ``sohoa serve`` as a subprocess, creates the officers with ``sohoa user add``,
signs each one in through the /login form (CSRF and all) and lets them loop for a fixed time: search page with
a realistic query, open a result's record page, sometimes its crop or its full page image, and now and then
the same search through /api/v1/search with an API token. Reports p50/p95/p99 latency per kind of page, errors,
throughput and the server's peak RSS.

    uv run python -m bench officer_load                    # 100k records, 20 officers, 60 s
    uv run python -m bench officer_load --quick            # 10k records, 20 s
    uv run python -m bench officer_load --think 0          # closed loop, no pause between requests

The load generator runs on the same machine as the server and competes with it for the CPU.
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import html
import io
import json
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import psutil

from .common import PeakRss, machine, table, typo

PASSWORD = "Can-bo-mot-cua-2024"
PER_BOOK = 500  # records (one per page) per scanned book
SCAN_PAGES_PER_TYPE = 2  # distinct rendered scans per record type, shared by all pages of that type
KINDS = ("search page", "search counts (after its hits)", "record page", "crop (JPEG)", "page image (JPEG)",
         "API search (JSON)")
_HIT = re.compile(r'href="/records/([^"?]+)\?q=')
_COUNTS = re.compile(r'data-counts="([^"]+)"')
_IMAGE = re.compile(r'src="/api/v1/pages/([0-9a-f]+)/image')
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# -- the installation --------------------------------------------------------------------------------------
def _scans(store, seed: int) -> dict[str, list[tuple[str, int, int]]]:
    """A few real rendered page scans per record type, stored like ingest stores them (JPEG q85)."""
    from samples.book import render_pages

    out: dict[str, list[tuple[str, int, int]]] = {}
    for rtype in ("birth", "marriage", "death", "land"):
        out[rtype] = []
        for page in render_pages(rtype, SCAN_PAGES_PER_TYPE, seed, "moderate", None):
            img = page.image
            buf = io.BytesIO()
            img.convert("L" if img.mode in ("1", "L") else "RGB").save(buf, "JPEG", quality=85, optimize=True)
            out[rtype].append((store.put_bytes(buf.getvalue(), kind="page", suffix=".jpg").key, *img.size))
    return out


def build(home: Path, n: int, seed: int) -> tuple[list[dict], dict[str, float]]:
    """Fill ``home`` with n records (metadata, scans, index); returns a sample of them and the build timings."""
    from sqlalchemy import insert

    from domain.settings import Settings
    from index import IndexDoc, open_index
    from samples import generate_records
    from storage import open_database, open_object_store
    from storage.models import Batch, Page, Record, RecordPage, SourceFileRow

    settings = Settings(home=home, database_url="", storage_url="", index_url="", broker_url="")
    timings: dict[str, float] = {}
    t = time.perf_counter()
    scans = _scans(open_object_store(settings), seed)
    timings["render scans"] = time.perf_counter() - t

    db = open_database(settings)
    ix = open_index(settings)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    sample: list[dict] = []
    t_db = t_ix = 0.0
    batches, files, pages, records, links, docs = [], [], [], [], [], []

    def flush(final: bool = False) -> None:
        nonlocal t_db, t_ix
        t0 = time.perf_counter()
        with db.session() as s:
            for model, rows in ((Batch, batches), (SourceFileRow, files), (Page, pages), (Record, records),
                                (RecordPage, links)):
                if rows:
                    s.execute(insert(model), rows)
                    rows.clear()
        t1 = time.perf_counter()
        if docs and (final or len(docs) >= 20_000):
            ix.upsert(docs)
            docs.clear()
        t_db, t_ix = t_db + t1 - t0, t_ix + time.perf_counter() - t1

    t = time.perf_counter()
    for i, rec in enumerate(generate_records(n, seed=seed)):
        rid, rtype = rec.pop("record_id"), rec.pop("type")
        fields = {k: v for k, v in rec.items() if v not in (None, "")}
        book, number = divmod(i, PER_BOOK)
        number += 1
        file_sha = hashlib.sha256(f"officer-load:{seed}:{book}".encode()).hexdigest()
        if number == 1:
            batches.append({"id": f"bench{book:05d}", "record_type": "auto", "book": f"{book + 1:03d}/BENCH",
                            "authority": fields.get("registration_authority") or fields.get("issuing_authority"),
                            "years": None, "created_by": "bench", "created_at": now, "finished_at": now,
                            "pdf_key": None})
            files.append({"id": book + 1, "batch_id": f"bench{book:05d}", "seq": 1, "name": f"so-{book + 1:04d}.pdf",
                          "sha256": file_sha, "media_type": "application/pdf", "size": PER_BOOK * 900_000,
                          "page_count": PER_BOOK, "object_key": f"original/{file_sha[:2]}/{file_sha}.pdf"})
        key, width, height = scans[rtype][i % SCAN_PAGES_PER_TYPE]
        page_id = hashlib.sha256(f"{file_sha}:{number}".encode()).hexdigest()
        confidence = {k: round(rng.uniform(0.72, 0.99), 2) for k in fields}
        pages.append({"id": page_id, "batch_id": f"bench{book:05d}", "file_id": book + 1, "number": number,
                      "seq": number, "status": "done", "attempts": 1, "error_code": None, "reason": None,
                      "image_key": key, "words_key": None, "pdf_key": None, "text": None,
                      "confidence": round(sum(confidence.values()) / len(confidence), 3), "variant": "bench",
                      "width": width, "height": height, "worker": "bench", "updated_at": now})
        records.append({"id": rid, "batch_id": f"bench{book:05d}", "type": rtype, "status": "valid",
                        "fields": fields, "confidence": confidence, "text": "", "notes": None,
                        "needs_review": min(confidence.values()) < 0.80, "indexed": True,
                        "created_at": now, "updated_at": now})
        links.append({"record_id": rid, "page_id": page_id, "ordinal": 0})
        source = {"batch_id": f"bench{book:05d}", "file": f"so-{book + 1:04d}.pdf", "pages": [number],
                  "sha256": file_sha}
        docs.append(IndexDoc(rid, rtype, fields, batch_id=f"bench{book:05d}", source=source))
        if len(sample) < 20_000:
            sample.append({"record_id": rid, "type": rtype, **fields})
        if len(records) >= 10_000:
            flush()
    flush(final=True)
    total = time.perf_counter() - t
    assert ix.count() == n, f"{ix.count()} of {n} documents indexed"
    ix.close()
    db.dispose()
    timings["database inserts"] = t_db
    timings["index upserts"] = t_ix
    timings["generate + build"] = total
    return sample, timings


# -- what officers type ------------------------------------------------------------------------------------

def queries(sample: list[dict], seed: int, per_kind: int = 500) -> dict[str, list[dict[str, str]]]:
    """Search-page parameters built from records known to be indexed."""
    from domain.text import fold

    rng = random.Random(seed)
    people = [r for r in sample if r["type"] in ("birth", "death") and r.get("full_name")]
    with_year = [r for r in people if r.get("date_of_birth")]
    with_id = [r for r in people if r.get("personal_id")]
    births = [r for r in people if r["type"] == "birth" and r.get("father_name")]
    pick = lambda pool: [rng.choice(pool) for _ in range(per_kind)]  # noqa: E731
    return {
        "name + year": [{"q": f"{fold(r['full_name']).lower()} {str(r['date_of_birth'])[:4]}"}
                        for r in pick(with_year)],
        "name, 1 typo": [{"q": " ".join(typo(w, rng) if i == len(ws) - 1 else w for i, w in enumerate(ws))}
                         for r in pick(people) for ws in [fold(r["full_name"]).lower().split()]],
        "ID number": [{"q": str(r["personal_id"])} for r in pick(with_id)],
        'cha:"…" + type': [{"q": f'cha:"{fold(r["father_name"]).lower()}"', "type": "birth"} for r in pick(births)],
    }


# -- the server --------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    env.update(SOHOA_HOME=str(home), SOHOA_PUBLIC_URL="http://127.0.0.1", SOHOA_NEW_PASSWORD=PASSWORD)
    return env


def add_officers(home: Path, count: int, skip: int = 0) -> list[str]:
    """``sohoa user add`` per officer (four at a time: each is a fresh process hashing a password); the first
    ``skip`` exist already (a kept installation)."""
    names = [f"canbo{i + 1:02d}" for i in range(count)]
    env = _env(home)
    for start in range(skip, count, 4):
        procs = [subprocess.Popen([sys.executable, "-m", "api", "user", "add", name, "--role", "officer",
                                   "--full-name", f"Cán bộ {name[-2:]}", "--office", "UBND phường Bến Nghé"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for name in names[start:start + 4]]
        for p in procs:
            _, err = p.communicate(timeout=120)
            if p.returncode != 0:
                raise RuntimeError(f"sohoa user add failed: {err.decode(errors='replace')[-1000:]}")
    return names


def start_server(home: Path, port: int, log: Path) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen([sys.executable, "-m", "api", "serve", "--port", str(port)], env=_env(home),
                            stdout=log.open("wb"), stderr=subprocess.STDOUT)
    # Generous: a kept installation whose index has an older schema is re-indexed by the server before it answers.
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"server did not answer /login within 900 s (see {log})")


# -- the officers ------------------------------------------------------------------------------------------
@dataclass
class Stats:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_samples: list[str] = field(default_factory=list)
    searches: int = 0
    found: int = 0

    def note_error(self, kind: str, what: str) -> None:
        self.errors[kind] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{kind}: {what}")


async def _get(client, stats: Stats, kind: str, url: str, **kw):
    t = time.perf_counter()
    try:
        resp = await client.get(url, **kw)
    except Exception as exc:  # noqa: BLE001 — a timeout or a reset is an error of the page, not of the bench
        stats.latency[kind].append((time.perf_counter() - t) * 1000)
        stats.note_error(kind, f"{type(exc).__name__} {url}")
        return None
    stats.latency[kind].append((time.perf_counter() - t) * 1000)
    if resp.status_code != 200:
        stats.note_error(kind, f"HTTP {resp.status_code} {url}")
        return None
    return resp


async def sign_in(client, username: str) -> str:
    """Log in through the form with its CSRF token; create an API token on the JSON API. Returns the token."""
    page = await client.get("/login")
    csrf = _CSRF.search(page.text).group(1)
    # Argon2 hashes two at a time in the server (64 MiB each): twenty sign-ins queue; on a loaded machine the last
    # waits longer than a page request's timeout.
    resp = await client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": csrf,
                                             "next": "/"}, timeout=600)
    if resp.status_code != 303:
        raise RuntimeError(f"login of {username} answered {resp.status_code}")
    account = await client.get("/account")
    csrf = _CSRF.search(account.text).group(1)
    resp = await client.post("/api/v1/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": csrf})
    if resp.status_code != 201:
        raise RuntimeError(f"token for {username} answered {resp.status_code}: {resp.text[:200]}")
    return resp.json()["token"]


async def officer(base: str, username: str, qs: dict[str, list[dict[str, str]]], deadline_at: list[float],
                  stats: Stats, think: float, api_share: float, seed: int, ready: asyncio.Event,
                  logins: list[float], tokens: list[str]) -> None:
    import httpx

    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=60, follow_redirects=False) as client:
        t = time.perf_counter()
        token = await sign_in(client, username)
        logins.append((time.perf_counter() - t) * 1000)
        tokens.append(token)
        await ready.wait()
        pause = (lambda: asyncio.sleep(rng.uniform(0, 2 * think))) if think else (lambda: asyncio.sleep(0))
        kinds = list(qs)
        while time.perf_counter() < deadline_at[0]:
            params = rng.choice(qs[rng.choice(kinds)])
            if rng.random() < api_share:
                resp = await _get(client, stats, "API search (JSON)", "/api/v1/search", params=params,
                                  headers={"Authorization": f"Bearer {token}"})
                stats.searches += 1
                if resp is not None:
                    stats.found += resp.json()["total"] > 0
                await pause()
                continue
            resp = await _get(client, stats, "search page", "/?" + urlencode(params))
            stats.searches += 1
            hits = _HIT.findall(resp.text) if resp is not None else []
            stats.found += bool(hits)
            if resp is not None and (counts := _COUNTS.search(resp.text)):  # a broad search's, asked by app.js
                await _get(client, stats, "search counts (after its hits)", html.unescape(counts.group(1)))
            await pause()
            if not hits or time.perf_counter() >= deadline_at[0]:
                continue
            rid = rng.choice(hits[:3])
            if rng.random() < 0.5:  # the crop shown beside the result
                await _get(client, stats, "crop (JPEG)", f"/api/v1/records/{rid}/crop?" + urlencode({"q": params["q"]}))
            # an officer at the desk opens it for the citizen in front of them (the stated purpose)
            query = urlencode({"q": params["q"], "purpose": "citizen_request"})
            resp = await _get(client, stats, "record page", f"/records/{rid}?{query}")
            await pause()
            image = _IMAGE.search(resp.text) if resp is not None else None
            if image and rng.random() < 0.3:  # the scan in the record page, loaded by the browser
                await _get(client, stats, "page image (JPEG)", f"/api/v1/pages/{image.group(1)}/image")
                await pause()


async def load(base: str, names: list[str], qs, seconds: float, think: float, api_share: float,
               seed: int, warm: bool, on_start=lambda: None) -> tuple[Stats, list[float], float]:
    """Everyone signs in, then the clock starts (``on_start`` is called) and the officers work for ``seconds``."""
    import httpx

    stats, logins, tokens, ready = Stats(), [], [], asyncio.Event()
    deadline_at = [float("inf")]
    tasks = [asyncio.create_task(officer(base, name, qs, deadline_at, stats, think, api_share, seed + i, ready,
                                         logins, tokens)) for i, name in enumerate(names)]
    while len(logins) < len(names):  # everyone signed in before the clock starts
        if any(t.done() for t in tasks):
            for t in tasks:
                if t.done() and t.exception():
                    raise t.exception()
        await asyncio.sleep(0.05)
    if warm:
        # One search before the crowd: the server opens its Tantivy index lazily on the first search, and
        # concurrent first opens race on the schema marker and can delete the index (see docs/benchmarks.md).
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            resp = await client.get("/api/v1/search", params={"q": "nguyen", "facets": "false"},
                                    headers={"Authorization": f"Bearer {tokens[0]}"})
            resp.raise_for_status()
    on_start()
    start = time.perf_counter()
    deadline_at[0] = start + seconds
    ready.set()
    await asyncio.gather(*tasks)
    return stats, logins, time.perf_counter() - start


def _pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s) + 0.5) - 1))]


def _cpu(proc: psutil.Process) -> float:
    total = 0.0
    for p in [proc, *proc.children(recursive=True)]:
        try:
            c = p.cpu_times()
            total += c.user + c.system
        except psutil.Error:
            pass
    return total


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="bench officer_load", description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--officers", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", type=float, default=1.0,
                    help="mean pause (s) after each page an officer reads, drawn uniformly in [0, 2×think]")
    ap.add_argument("--api-share", type=float, default=0.2, help="share of searches made on /api/v1/search")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--quick", action="store_true", help="10k records, 20 s")
    ap.add_argument("--cold", action="store_true",
                    help="no single warm-up search before the officers start (exposes the index-open race)")
    ap.add_argument("--keep", type=Path, default=None, help="build (or reuse) the installation here, keep it")
    args = ap.parse_args(argv)
    if args.quick:
        args.records, args.seconds = 10_000, 20

    tmp = None
    if args.keep:
        home = args.keep
    else:
        tmp = tempfile.mkdtemp(prefix="sohoa-officer-load-")
        home = Path(tmp) / "home"
    server = None
    try:
        marker = home / "officer-load.json"
        if marker.exists() and json.loads(marker.read_text())["records"] == args.records:
            sample, timings = json.loads(marker.read_text())["sample"], {}
            print(f"reusing the installation in {home}", file=sys.stderr)
        else:
            if home.exists():
                shutil.rmtree(home)
            print(f"building {args.records:,} records in {home} …", file=sys.stderr)
            sample, timings = build(home, args.records, args.seed)
            marker.write_text(json.dumps({"records": args.records, "sample": sample}, ensure_ascii=False))
        for step, s in timings.items():
            print(f"  {step}: {s:.1f} s", file=sys.stderr)
        qs = queries(sample, args.seed)

        t = time.perf_counter()
        state = json.loads(marker.read_text())
        names = add_officers(home, args.officers, skip=state.get("officers", 0))
        marker.write_text(json.dumps({**state, "officers": max(args.officers, state.get("officers", 0))},
                                     ensure_ascii=False))
        if state.get("officers", 0) < args.officers:
            print(f"  sohoa user add ×{args.officers - state.get('officers', 0)}: {time.perf_counter() - t:.1f} s",
                  file=sys.stderr)

        port = _free_port()
        server = start_server(home, port, home / "server.log")
        sproc = psutil.Process(server.pid)
        me = psutil.Process()
        print(f"server pid {server.pid} on 127.0.0.1:{port}; {args.officers} officers for {args.seconds:.0f} s …",
              file=sys.stderr)
        rss = {"at start": sproc.memory_info().rss}
        with PeakRss(server.pid) as mem:

            def on_start() -> None:  # the sign-ins' peak apart from the work's: each has its own causes
                rss["sign-in peak"], mem.peak = mem.peak, 0

            cpu0, me0 = _cpu(sproc), me.cpu_times()
            stats, logins, elapsed = asyncio.run(load(f"http://127.0.0.1:{port}", names, qs, args.seconds,
                                                      args.think, args.api_share, args.seed, not args.cold,
                                                      on_start))
            rss["work peak"], rss["at the end"] = mem.peak, sproc.memory_info().rss
            server_cpu = _cpu(sproc) - cpu0
            me1 = me.cpu_times()
            gen_cpu = (me1.user + me1.system) - (me0.user + me0.system)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    rows = []
    total = sum(len(v) for v in stats.latency.values())
    for kind in KINDS:
        lat = stats.latency.get(kind, [])
        if not lat:
            continue
        rows.append([kind, f"{len(lat):,}", f"{len(lat) / elapsed:.1f}", f"{_pct(lat, 50):.0f}",
                     f"{_pct(lat, 95):.0f}", f"{_pct(lat, 99):.0f}", f"{max(lat):.0f}", stats.errors.get(kind, 0)])
    all_lat = [v for lat in stats.latency.values() for v in lat]
    rows.append(["all", f"{total:,}", f"{total / elapsed:.1f}", f"{_pct(all_lat, 50):.0f}", f"{_pct(all_lat, 95):.0f}",
                 f"{_pct(all_lat, 99):.0f}", f"{max(all_lat):.0f}", sum(stats.errors.values())])
    cores = os.cpu_count() or 1
    print(f"officer_load: {args.records:,} records, {args.officers} officers, {elapsed:.0f} s, think "
          f"{args.think:g} s (mean), {args.api_share:.0%} of searches via the API — {machine()}")
    print(table(["page", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors"], rows))
    print(f"\nsearches with at least one hit: {stats.found / max(1, stats.searches):.0%} of {stats.searches:,}; "
          f"login (form + CSRF + argon2) p50 {_pct(logins, 50):.0f} ms")
    print(f"server (uvicorn, 1 process): peak RSS {max(rss.values()) / 2**20:.0f} MiB "
          f"({', '.join(f'{k} {v / 2**20:.0f}' for k, v in rss.items())}), CPU {server_cpu / elapsed:.2f} cores; "
          f"load generator CPU {gen_cpu / elapsed:.2f} cores — both share the {cores} cores of this machine")
    if stats.error_samples:
        print("errors:", *stats.error_samples, sep="\n  ")


if __name__ == "__main__":
    main()
