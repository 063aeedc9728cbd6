"""Export of a register book per the Ministry of Justice's guidance (`sohoa export BATCH --format moj`): the
whole command's time for a 200-entry book and the largest PDF page, against issue 12's targets (under 30 s;
at most 150 kB per A4 page).

    uv run python -m bench export --entries 200

The book is a generated register (moderate scan artefacts). Its file goes through the ingest path (checked,
stored, each page rendered at SOHOA_DPI and stored as the page image, as `sohoa ingest` does), but its entries
are written from the ground truth rather than read by OCR: the benchmark measures the export, not OCR, and a
keyed book's records have the same shape.
"""
from __future__ import annotations

import argparse
import io
import math
import os
import resource
import sys
import tempfile
import zipfile
from pathlib import Path

from .common import machine, run_measured, table

ENTRIES_PER_PAGE = 9  # at least, on a generated birth register page (long places wrap over several lines)


def _book(work: Path, entries: int, seed: int) -> tuple[Path, str]:
    """A home with one ingested register book of ``entries`` entries; returns (home, batch id)."""
    import pikepdf
    from PIL import Image
    from sqlalchemy import select

    from domain.settings import Settings
    from ingest import render_page
    from samples import generate_book
    from storage.models import Page, PageStatus, Record, RecordPage
    from workers import Context
    from workers.batches import BatchMeta, register_batch

    pages = math.ceil(entries / ENTRIES_PER_PAGE) + 1
    book = generate_book(work / "book", "birth", pages, seed, "moderate", "pdf", layout="register")
    home = work / "home"
    settings = Settings(home=home, database_url="", storage_url="", index_url="", broker_url="")
    ctx = Context(settings)
    batch_id = register_batch([book.path], BatchMeta(record_type="birth", book="01/2020", authority="UBND phường Bench",
                                               years="2020"), ctx).batch_id
    with ctx.db.session() as s:
        ids = dict(s.execute(select(Page.number, Page.id).where(Page.batch_id == batch_id)).all())
    truth = [r for page in book.pages for r in page["records"]][:entries]
    if len(truth) < entries:
        raise SystemExit(f"the generated book holds {len(truth)} entries, fewer than {entries}")
    assert len(pikepdf.Pdf.open(book.path).pages) == pages
    with ctx.db.session() as s:
        for number, page_id in ids.items():
            image: Image.Image = render_page(book.path, "application/pdf", number, settings)
            buf = io.BytesIO()
            image.convert("RGB").save(buf, "JPEG", quality=85, optimize=True)  # as workers.stages stores it
            page = s.get(Page, page_id)
            page.image_key = ctx.store.put_bytes(buf.getvalue(), kind="page", suffix=".jpg").key
            page.width, page.height, page.status = image.width, image.height, PageStatus.DONE
        for k, rec in enumerate(truth):
            first = ids[rec["pages"][0]]
            s.add(Record(id=f"{first[:20]}-{k}", batch_id=batch_id, type="birth", fields=rec["fields"],
                         confidence={f: 1.0 for f in rec["fields"]},
                         pages=[RecordPage(page_id=ids[n], ordinal=i) for i, n in enumerate(rec["pages"])]))
    ctx.close()
    return home, batch_id


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m bench export", description=__doc__.splitlines()[0])
    p.add_argument("--entries", type=int, default=200)
    p.add_argument("--seed", type=int, default=12)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sohoa-bench-export-") as tmp:
        work = Path(tmp)
        home, batch_id = _book(work, args.entries, args.seed)
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")} | {"SOHOA_HOME": str(home)}
        out = work / "out"
        load = os.getloadavg()[0]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        measured = run_measured([sys.executable, "-m", "api", "export", batch_id, "--format", "moj", "--out",
                                 str(out), "--json"], env=env)
        if measured.returncode != 0:
            sys.exit(f"sohoa export failed ({measured.returncode})")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        archive = next(out.glob("*.zip"))
        import pikepdf
        from openpyxl import load_workbook

        sheet = load_workbook(next(out.glob("*.xlsx")), read_only=True).worksheets[0]
        rows = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))

        with zipfile.ZipFile(archive) as zf:
            sizes = []
            for name in zf.namelist():
                data = zf.read(name)
                sizes.append((len(data) / len(pikepdf.Pdf.open(io.BytesIO(data)).pages), name))
        largest, largest_name = max(sizes)
        zip_mb = archive.stat().st_size / 1e6
    print(f"\n{machine()} · load average {load:.1f} at the start (shared machine)\n")
    print(table(["measure", "target (issue 12)", "measured"], [
        ["entries exported (spreadsheet rows, PDFs)", args.entries, f"{rows}, {len(sizes)}"],
        ["`sohoa export --format moj`, whole command", "< 30 s", f"{measured.seconds:.1f} s"],
        ["its CPU time, user + sys (its wall time on an idle machine: one thread)", "< 30 s", f"{cpu:.1f} s"],
        ["peak memory of the command", "", f"{measured.peak_mib:.0f} MiB"],
        ["largest PDF, bytes per A4 page", "≤ 150 kB", f"{largest / 1000:.0f} kB ({largest_name})"],
        ["zip of the book", "", f"{zip_mb:.1f} MB"],
    ]))
