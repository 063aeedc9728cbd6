"""Export of a book per the Ministry of Justice's guidance for digitised civil-status books (Công văn
1437/BTP-CNTT): one spreadsheet with a row per entry, and a zip with one colour PDF per entry; or the same rows
as CSV or JSON Lines.

``export_batch`` is the one function the CLI (``sohoa export``) and the book's page call; it writes its own
audit entry in the caller's session.
"""
from __future__ import annotations

import csv
import json
import re
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.errors import Conflict, SohoaError
from domain.labels import TYPE_LABELS
from domain.records import ID_FIELDS
from ocr import text_page_of
from office.audit.service import Actor, record
from storage.models import Batch, Record, RecordPage
from storage.objects import ObjectStore
from workers.batches import existing_batch

from .pdfs import PAGE_LIMIT, entry_pdf, page_jpeg
from .table import Column, cell, columns

FORMATS = ("moj", "csv", "jsonl", "pdf")
GUIDANCE = "Công văn 1437/BTP-CNTT"


class BadExportFormat(SohoaError):
    code = "bad_argument"
    exit_code = 2
    http_status = 422


@dataclass(slots=True)
class Exported:
    batch_id: str
    format: str
    entries: int
    files: list[Path] = field(default_factory=list)
    pdfs: int = 0
    largest_pdf_page_bytes: int = 0  # the biggest PDF's size divided by its pages: the guidance's measure


def book_slug(batch: Batch) -> str:
    """"01/1998" → "so-01-1998": the stem of the book's files."""
    text = re.sub(r"[^0-9A-Za-z]+", "-", batch.book or "").strip("-")
    return f"so-{text}" if text else f"lo-{batch.id}"


def _entries(batch_id: str, s: Session) -> list[Record]:
    """The book's entries in book order: by first page, then as read down the page. Tails of cut entries are
    part of their head and are not entries of their own."""
    records = s.scalars(select(Record).where(Record.batch_id == batch_id)
                        .options(selectinload(Record.pages).selectinload(RecordPage.page))).all()

    def order(r: Record) -> tuple[int, int, str]:
        seq = r.pages[0].page.seq if r.pages else 1 << 30
        k = r.id.rsplit("-", 1)[-1]
        return seq, int(k) if k.isdigit() else 1 << 30, r.id

    return sorted((r for r in records if r.fragment != "tail"), key=order)


def _pdf_names(slug: str, entries: list[Record]) -> dict[str, str]:
    names: dict[str, str] = {}
    taken: set[str] = set()
    for r in entries:
        number = str(r.fields.get("registration_number") or "").strip()
        if number.isdigit():
            stem = f"{slug}_{int(number):04d}"
        elif number:
            stem = f"{slug}_{re.sub(r'[^0-9A-Za-z]+', '-', number).strip('-')}"
        else:  # not read: named by where it is
            seq = r.pages[0].page.seq if r.pages else 0
            stem = f"{slug}_trang{seq:03d}-{r.id.rsplit('-', 1)[-1]}"
        name, n = f"{stem}.pdf", 1
        while name in taken:
            n += 1
            name = f"{stem}_{n}.pdf"
        taken.add(name)
        names[r.id] = name
    return names


def _rows(batch: Batch, entries: list[Record], names: dict[str, str]) -> list[dict[str, object]]:
    rows = []
    for r in entries:
        rows.append({
            **r.fields, "type": r.type, "batch_book": batch.book, "batch_years": batch.years,
            "batch_authority": batch.authority, "notes": r.notes, "status": r.status,
            "pages": ", ".join(str(rp.page.seq) for rp in r.pages), "pdf": names[r.id], "record_id": r.id,
        })
    return rows


def export_batch(batch_id: str, fmt: str, out_dir: Path, *, s: Session, store: ObjectStore, actor: Actor,
                 dpi: int) -> Exported:
    """Write the book's files into ``out_dir``: ``moj`` → SLUG.xlsx + SLUG.zip (a PDF per entry); ``csv`` →
    SLUG.csv; ``jsonl`` → SLUG.jsonl; ``pdf`` → SLUG.pdf, the whole book searchable (each page's scan under the
    text read, made when the book's reading ended). ``dpi``: the resolution the page images were rendered at."""
    if fmt not in FORMATS:
        raise BadExportFormat(f"Định dạng xuất «{fmt}» không có; chọn một trong: {', '.join(FORMATS)}")
    batch = existing_batch(s, batch_id)
    entries = _entries(batch_id, s)
    slug = book_slug(batch)
    names = _pdf_names(slug, entries)
    rows = _rows(batch, entries, names)
    types = sorted({r.type for r in entries}, key=list(TYPE_LABELS).index) or (
        [batch.record_type] if batch.record_type in TYPE_LABELS else [])
    cols = columns(types)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = Exported(batch_id, fmt, len(entries))
    if fmt == "moj":
        result.files.append(_write_xlsx(out_dir / f"{slug}.xlsx", batch, cols, rows))
        path, count, largest = _write_zip(out_dir / f"{slug}.zip", entries, names, store, dpi)
        result.files.append(path)
        result.pdfs, result.largest_pdf_page_bytes = count, largest
    elif fmt == "csv":
        result.files.append(_write_csv(out_dir / f"{slug}.csv", cols, rows))
    elif fmt == "pdf":
        if not batch.pdf_key:
            raise Conflict("Quyển sổ chưa có PDF: chưa đọc xong, hoặc chưa trang nào đọc được")
        result.files.append(store.download(batch.pdf_key, out_dir / f"{slug}.pdf"))  # streamed: a book is large
    else:
        result.files.append(_write_jsonl(out_dir / f"{slug}.jsonl", rows))
    record(s, actor, "export_book", target=batch_id, format=fmt, entries=len(entries),
           files=[p.name for p in result.files])
    return result


def _write_xlsx(path: Path, batch: Batch, cols: list[Column], rows: list[dict]) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Danh sách")
    ws.freeze_panes = "A2"
    for i, c in enumerate(cols):
        ws.column_dimensions[get_column_letter(i + 1)].width = 14 if c.key in ID_FIELDS or "date" in c.key else 24
    bold = Font(bold=True)
    header = []
    for c in cols:
        h = WriteOnlyCell(ws, c.heading)
        h.font = bold
        header.append(h)
    ws.append(header)
    for row in rows:
        ws.append([_string_cell(ws, cell(c.key, row.get(c.key))) for c in cols])
    info = wb.create_sheet("Thông tin sổ")
    for label, value in (
        ("Quyển số", batch.book), ("Năm", batch.years), ("Cơ quan đăng ký", batch.authority),
        ("Loại giấy tờ", TYPE_LABELS.get(batch.record_type, batch.record_type)), ("Mã lô", batch.id),
        ("Số mục", len(rows)), ("Xuất lúc", datetime.now(UTC).strftime("%d/%m/%Y %H:%M UTC")),
        ("Theo hướng dẫn", GUIDANCE),
    ):
        info.append([label, _string_cell(info, "" if value is None else str(value))])
    wb.save(path)
    return path


def _string_cell(ws, text: str) -> WriteOnlyCell:
    c = WriteOnlyCell(ws, text)
    c.data_type = "s"  # never a formula, whatever the text starts with
    return c


def _write_csv(path: Path, cols: list[Column], rows: list[dict]) -> Path:
    # UTF-8 with a BOM: spreadsheet programs then read Vietnamese letters right.
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([c.heading for c in cols])
        for row in rows:
            # Cells starting with = + - @ would be formulas in a spreadsheet (CSV injection): quote them.
            w.writerow(["'" + t if t and t[0] in "=+-@" else t for t in (cell(c.key, row.get(c.key)) for c in cols)])
    return path


def _write_jsonl(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fields = {k: v for k, v in row.items() if k not in _META and v not in (None, "")}
            meta = {k: row[k] for k in _META}
            fh.write(json.dumps({**meta, "fields": fields}, ensure_ascii=False) + "\n")
    return path


_META = ("record_id", "type", "batch_book", "batch_years", "batch_authority", "status", "notes", "pages", "pdf")


def _write_zip(path: Path, entries: list[Record], names: dict[str, str], store: ObjectStore,
               dpi: int) -> tuple[Path, int, int]:
    """Returns the zip, the number of PDFs and the largest PDF's bytes per page."""
    # page id → (jpeg, dpi, text page): each page compressed once, within what its text page leaves of the limit
    jpegs: dict[str, tuple[bytes, float, bytes | None]] = {}
    largest = count = 0
    tmp = path.with_suffix(".zip.part")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_STORED) as zf:  # JPEG does not deflate
        for r in entries:
            pages = [rp.page for rp in r.pages if rp.page.image_key]
            if not pages:
                continue
            for p in pages:
                if p.id not in jpegs:
                    text = text_page_of(store.get_bytes(p.pdf_key) if p.pdf_key else None)
                    jpeg, page_dpi = page_jpeg(store.get_bytes(p.image_key), dpi, PAGE_LIMIT - len(text or b""))
                    jpegs[p.id] = (jpeg, page_dpi, text)
            pdf = entry_pdf([jpegs[p.id] for p in pages], names[r.id][:-4])
            zf.writestr(names[r.id], pdf)
            count += 1
            largest = max(largest, len(pdf) // len(pages))
    tmp.replace(path)
    return path, count, largest
