"""Keying a handwritten register: keystrokes and seconds per entry at the station against a plain spreadsheet,
and the share of wrong fields that blind double keying publishes when each keyer is wrong on 2% of fields.

1. **Station.** A generated handwritten birth register (samples, ``--hand``; printed if no handwriting fonts)
   is ingested and OCR'd, ``sohoa serve`` runs, and a simulated clerk (bench.keying_clerk: Playwright, headless
   Chromium, the station's built-in Telex, completions taken when the wanted one is offered) keys every entry.
   Baseline: every field of the form typed in full in a spreadsheet — its characters and one Tab per cell
   (and, for reference, the Telex keys those characters need).
2. **Double keying.** At the service level (office.keying.service on SQLite), ``--entries`` generated birth
   entries are keyed by two simulated keyers, each wrong on ``--error`` of fields (a lost or wrong diacritic,
   a neighbouring key, a dropped, doubled or swapped character); values the station's checks refuse are
   corrected by the keyer; fields that differ go to an arbiter who is wrong on ``--error`` of what they settle.
   Published fields are compared with the truth.

    uv run python -m bench keying                   # 2 pages at the station, 2000 entries double keyed
    uv run python -m bench keying --pages 1 --entries 500
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from .common import machine, table

PASSWORD = "Nhap-lieu-2024"
FIELDS = ("book_number", "page_number", "registration_authority", "registration_number", "registration_date",
          "full_name", "date_of_birth", "gender", "ethnicity", "place_of_birth", "personal_id", "mother_name",
          "father_name")
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "1234567890")
# Each key's right-hand neighbour on its row (the last key's left-hand one): the commonest slip.
_NEIGHBOURS = {row[i]: row[i + 1] if i + 1 < len(row) else row[i - 1] for row in _ROWS for i in range(len(row))}


# -- 1. the station ------------------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _installation(home: Path, pages: int, seed: int):
    from office.accounts import service as auth
    from samples import generate_book
    from samples.handwriting import HandwritingUnavailable
    from tests.web.conftest import make_settings
    from workers import Context, NoProgress, open_executor
    from workers.batches import BatchMeta, pages_to_run, register_batch

    try:
        book = generate_book(home / "book", record_type="birth", pages=pages, seed=seed, degradation="moderate",
                             fmt="pdf", layout="register", hand=True)
        kind = "handwritten"
    except HandwritingUnavailable:
        book = generate_book(home / "book", record_type="birth", pages=pages, seed=seed, degradation="moderate",
                             fmt="pdf", layout="register")
        kind = "printed (no handwriting fonts)"
    settings = make_settings(home / "sohoa")
    ctx = Context(settings)
    reg = register_batch(book.paths, BatchMeta(record_type="birth", book="Sổ khai sinh"), ctx)
    open_executor(ctx).run(reg.batch_id, pages_to_run(reg.batch_id, ctx), NoProgress())
    with ctx.db.session() as s:
        auth.create_user(s, "clerk", PASSWORD, "clerk", full_name="Văn thư")
    ctx.close()
    pages_truth = json.loads(book.truth_path.read_text(encoding="utf-8"))["pages"]
    return settings, reg.batch_id, pages_truth, kind


def station(pages: int, seed: int, rate: float) -> dict:
    from playwright.sync_api import sync_playwright

    from .keying_clerk import Clerk, spreadsheet_keys

    home = Path(tempfile.mkdtemp(prefix="sohoa-bench-keying-"))
    proc = None
    try:
        settings, batch_id, pages_truth, kind = _installation(home, pages, seed)
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "SOHOA_HOME": str(settings.home), "SOHOA_PUBLIC_URL": base}
        for var in ("SOHOA_DATABASE_URL", "SOHOA_STORAGE_URL", "SOHOA_INDEX_URL", "SOHOA_BROKER_URL"):
            env.pop(var, None)
        proc = subprocess.Popen([sys.executable, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import httpx
        for _ in range(300):
            try:
                if httpx.get(f"{base}/login", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        rows, skipped = [], 0
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--headless", "--no-sandbox", "--disable-gpu"])
            page = browser.new_context(locale="vi-VN").new_page()
            page.goto(base + "/login")
            page.get_by_label("Tên đăng nhập").fill("clerk")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            clerk = Clerk(page, rate=rate, telex=True)
            for p in pages_truth:
                page.goto(f"{base}/keying/{batch_id}/pages/{p['page']}")
                data = page.evaluate("JSON.parse(document.getElementById('keying-data').textContent)")
                if data["page"]["seq"] == 1:
                    page.keyboard.press("F9")  # the station's Telex (not counted: once per session)
                truth = [r["fields"] for r in p["records"]]
                if len(data["entries"]) != len(truth):  # a row OCR merged or split: not comparable entry by entry
                    skipped += len(truth)
                    continue
                for i, fields in enumerate(truth):
                    done = clerk.key_entry(data["fields"], set(data["figures"]), fields)
                    page.wait_for_function("n => document.getElementById('k-status').textContent"
                                           ".includes('Đã lưu mục ' + n)", arg=i + 1)
                    rows.append((done.keys, done.seconds, spreadsheet_keys(data["fields"], fields),
                                 spreadsheet_keys(data["fields"], fields, telex=True)))
            browser.close()
        n = len(rows) or 1
        return {"kind": kind, "entries": len(rows), "skipped": skipped, "rate": rate,
                "keys": sum(r[0] for r in rows) / n, "seconds": sum(r[1] for r in rows) / n,
                "sheet_keys": sum(r[2] for r in rows) / n, "sheet_telex": sum(r[3] for r in rows) / n}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=20)
        shutil.rmtree(home, ignore_errors=True)


# -- 2. double keying with typing errors ---------------------------------------------------------------------
def corrupt(value: str, rng: random.Random) -> str:
    """One typing error of the kinds keyers make."""
    if not value:
        return "x"
    i = rng.randrange(len(value))
    kind = rng.choice(("mark", "neighbour", "drop", "double", "swap"))
    ch = value[i]
    if kind == "mark":
        d = unicodedata.normalize("NFD", value)
        marks = [k for k, c in enumerate(d) if unicodedata.combining(c)]
        if marks:
            k = rng.choice(marks)
            other = rng.choice([m for m in "\u0300\u0301\u0303\u0309\u0323" if m != d[k]])
            d = d[:k] + (other if rng.random() < 0.5 else "") + d[k + 1:]
            return unicodedata.normalize("NFC", d)
        kind = "neighbour"
    if kind == "neighbour" and ch.lower() in _NEIGHBOURS:
        n = _NEIGHBOURS[ch.lower()]
        return value[:i] + (n.upper() if ch.isupper() else n) + value[i + 1:]
    if kind == "double":
        return value[:i] + ch + value[i:]
    if kind == "swap" and i + 1 < len(value) and value[i] != value[i + 1]:
        return value[:i] + value[i + 1] + value[i] + value[i + 2:]
    return (value[:i] + value[i + 1:]) or "x"


def double_keying(entries: int, error: float, seed: int) -> dict:
    from sqlalchemy import select

    from office.accounts.roles import Principal, Role
    from office.audit.service import Actor
    from office.keying import checks, service
    from office.keying.models import EntryStatus, KeyingMode
    from office.records.review import FieldErrors
    from samples import generate_book
    from samples.records import RecordFactory
    from storage.models import Page
    from tests.web.conftest import make_settings
    from workers import Context
    from workers.batches import BatchMeta, register_batch

    from .keying_clerk import typed

    rng = random.Random(seed)
    home = Path(tempfile.mkdtemp(prefix="sohoa-bench-double-"))
    actors = [Actor(Principal(i + 1, name, Role.CLERK), "127.0.0.1") for i, name in enumerate(("a", "b", "c"))]
    try:
        ctx = Context(make_settings(home / "sohoa"))
        book = generate_book(home / "book", record_type="birth", pages=1, seed=seed, degradation="clean",
                             fmt="png", layout="register")
        reg = register_batch(book.paths, BatchMeta(record_type="birth"), ctx)
        with ctx.db.session() as s:
            service.set_mode(reg.batch_id, KeyingMode.DOUBLE, actors[2], s=s)
            page_id = s.scalar(select(Page.id).where(Page.batch_id == reg.batch_id))
        factory = RecordFactory(seed, None)
        typos = caught = arbitrated = fields_total = wrong = single_wrong = 0
        started = time.perf_counter()
        for _ in range(entries):
            full = factory.make("birth").fields
            truth = {f: typed(f, full[f]) for f in FIELDS if full.get(f)}
            right, _ = checks.clean_all(truth)
            with ctx.db.session() as s:
                entry_id = service.change_entries("add", actors[0], s=s, page_id=page_id).entry_id
            for keyer in actors[:2]:
                values = {f: corrupt(v, rng) if rng.random() < error else v for f, v in truth.items()}
                typos += sum(values[f] != truth[f] for f in values)
                if keyer is actors[0]:
                    single_wrong += sum(not checks.same_value(f, checks.clean(f, v)[0], right.get(f))
                                        for f, v in values.items())
                try:
                    with ctx.db.session() as s:
                        saved = service.save_keying(entry_id, values, keyer, s=s)
                except FieldErrors as exc:  # the station refuses these: the keyer looks again and fixes them
                    caught += len(exc.errors)
                    values |= {f: truth[f] for f in exc.errors}
                    with ctx.db.session() as s:
                        saved = service.save_keying(entry_id, values, keyer, s=s)
            if saved.status == EntryStatus.ARBITRATION:
                with ctx.db.session() as s:
                    open_fields = service.arbitration_view(entry_id, actors[2], s=s)["open"]
                arbitrated += len(open_fields)
                settled = {o["field"]: corrupt(truth.get(o["field"], ""), rng) if rng.random() < error
                           else truth.get(o["field"], "") for o in open_fields}
                try:
                    with ctx.db.session() as s:
                        service.arbitrate(entry_id, settled, actors[2], s=s)
                except FieldErrors as exc:
                    caught += len(exc.errors)
                    settled |= {f: truth.get(f, "") for f in exc.errors}
                    with ctx.db.session() as s:
                        service.arbitrate(entry_id, settled, actors[2], s=s)
            with ctx.db.session() as s:
                from office.keying.models import KeyingEntry
                published = s.get(KeyingEntry, entry_id).fields
            fields_total += len(right)
            wrong += sum(not checks.same_value(f, published.get(f), v) for f, v in right.items())
        elapsed = time.perf_counter() - started
        ctx.close()
        return {"entries": entries, "fields": fields_total, "typos": typos, "caught": caught,
                "arbitrated": arbitrated, "wrong": wrong, "single_wrong": single_wrong, "seconds": elapsed,
                "error": error}
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench keying", description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=2, help="register pages keyed at the station (0: skip)")
    ap.add_argument("--rate", type=float, default=5.0, help="the simulated clerk's keys per second")
    ap.add_argument("--entries", type=int, default=2000, help="entries double keyed at the service level (0: skip)")
    ap.add_argument("--error", type=float, default=0.02, help="share of fields each keyer types wrong")
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    load = os.getloadavg()[0]
    print(f"machine: {machine()}; load average at start: {load:.1f}")
    if args.pages:
        st = station(args.pages, args.seed, args.rate)
        skipped = f", {st['skipped']} entries skipped" if st["skipped"] else ""
        print(f"\n### Keying at the station ({st['kind']} birth register, {st['entries']} entries, "
              f"simulated clerk at {st['rate']:g} keys/s{skipped})\n")
        print(table(["", "keys per entry", "seconds per entry", "vs station"], [
            ("spreadsheet, every field in full (characters + Tab)", f"{st['sheet_keys']:.1f}",
             f"{st['sheet_keys'] / st['rate']:.1f} (at the same rate)", f"{st['sheet_keys'] / st['keys']:.2f}×"),
            ("spreadsheet with Telex (keys those characters need)", f"{st['sheet_telex']:.1f}",
             f"{st['sheet_telex'] / st['rate']:.1f} (at the same rate)", f"{st['sheet_telex'] / st['keys']:.2f}×"),
            ("keying station (completions, carried values, OCR suggestions)", f"{st['keys']:.1f}",
             f"{st['seconds']:.1f} (measured)", "1.00×"),
        ]))
    if args.entries:
        d = double_keying(args.entries, args.error, args.seed)
        print(f"\n### Blind double keying, each keyer wrong on {d['error']:.0%} of fields "
              f"({d['entries']} entries, {d['fields']} fields, {d['seconds']:.0f} s)\n")
        print(table(["", "wrong fields published", "share"], [
            ("one keyer, no verification", d["single_wrong"], f"{d['single_wrong'] / d['fields']:.3%}"),
            ("double keying + arbitration (arbiter also wrong on the same share)", d["wrong"],
             f"{d['wrong'] / d['fields']:.3%}"),
        ]))
        print(f"\ntypos made: {d['typos']}; refused by the checks and fixed by the keyer: {d['caught']}; "
              f"fields sent to arbitration: {d['arbitrated']}")


if __name__ == "__main__":
    main()
