"""Import of entries keyed earlier in a spreadsheet (``sohoa import-keyed BOOK.xlsx --batch LÔ``).

The sheet has the export's layout (office.export.table: a header row of Vietnamese headings or canonical field
names, one row per entry). Rows are matched to the batch's entries by registration number ("Số"); each matched
row's non-empty cells go through the same path as a clerk's correction (office.records.review.correct: values
checked, each change kept with who made it, confidence 1.0), a keyed margin note ("Ghi chú") becomes the
record's ``notes``, and the record is marked ``provenance="import"``.
What did not match is reported both ways: rows without an entry on the scanned pages, and entries on the
pages without a row. A row whose values are not acceptable is reported with the reasons and left out; the
others are imported. Re-indexing is the caller's, after the transaction (``import_and_index`` does both).
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.errors import SohoaError
from domain.records import field_names
from domain.text import normalize
from office.accounts.roles import Principal, Role
from office.audit.service import Actor, record
from office.records.review import FieldErrors, correct
from storage.models import Record
from workers.batches import existing_batch

from .table import cell, heading_keys, record_type_of

MAX_ROWS = 100_000  # a book has a few thousand entries at most; more is not a register book
_HEADER_SEARCH = 10  # the header may follow a title row or two


class SheetRejected(SohoaError):
    """The file is not a spreadsheet we can read, or it has no column of registration numbers."""

    code = "bad_spreadsheet"
    exit_code = 2
    http_status = 422


@dataclass(slots=True)
class Imported:
    batch_id: str
    rows: int = 0
    matched: int = 0
    changed_records: list[str] = field(default_factory=list)
    fields_changed: int = 0
    rows_without_entry: list[dict] = field(default_factory=list)  # {"row", "registration_number", "reason"}
    entries_without_row: list[dict] = field(default_factory=list)  # {"registration_number", "record_id", "pages"}
    rejected_rows: list[dict] = field(default_factory=list)  # {"row", "registration_number", "errors"}
    unknown_columns: list[str] = field(default_factory=list)


def _number_key(value: object) -> str:
    """Registration numbers compare as keyed: "0123" is 123; "01/TLKS-BS" as written (case and spaces aside)."""
    text = normalize(str(value if value is not None else "")).strip()
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    return str(int(text)) if text.isdigit() else text.casefold().replace(" ", "")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "strftime"):  # a date cell: the sheet's own date type
        return value.strftime("%d/%m/%Y")
    return normalize(str(value)).strip()


def read_sheet(path: Path) -> tuple[list[tuple[int, dict[str, str]]], list[str]]:
    """(row number, key → text) for each non-empty row, and the headings not understood."""
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SheetRejected(f"Không đọc được tệp «{Path(path).name}»: cần một bảng tính Excel .xlsx "
                            f"(chi tiết: {type(exc).__name__})") from exc
    try:
        for ws in wb.worksheets:
            rows = ws.iter_rows(values_only=True)
            for header_at, header in enumerate(rows, start=1):
                keys = heading_keys(list(header))
                if "registration_number" in keys.values():
                    unknown = [str(h) for i, h in enumerate(header) if h not in (None, "") and i not in keys]
                    return _data(rows, keys, header_at), unknown
                if header_at >= _HEADER_SEARCH:
                    break
        raise SheetRejected(f"Tệp «{Path(path).name}» không có cột «Số» (số đăng ký) trong {_HEADER_SEARCH} dòng "
                            "đầu: dòng tiêu đề phải có cột Số như bảng xuất (sohoa export --format moj)")
    finally:
        wb.close()


def _data(rows, keys: dict[int, str], header_at: int) -> list[tuple[int, dict[str, str]]]:
    out = []
    for n, values in enumerate(rows, start=header_at + 1):
        row = {key: _cell_text(values[i]) for i, key in keys.items() if i < len(values)}
        pid = next((values[i] for i, key in keys.items() if key == "personal_id" and i < len(values)), None)
        if isinstance(pid, int | float) and not isinstance(pid, bool):
            # Typed as a number, the ID lost its leading zeros (001… is Hà Nội): they are part of it.
            row["personal_id"] = f"{int(pid):012d}"
        if any(row.values()):
            out.append((n, row))
            if len(out) > MAX_ROWS:
                raise SheetRejected(f"Bảng tính có hơn {MAX_ROWS} dòng: không phải một quyển sổ")
    return out


def import_keyed(path: Path, batch_id: str, *, s: Session, actor: Actor, threshold: float) -> Imported:
    """Bring the sheet's rows into the batch's matching entries (see the module's notes)."""
    existing_batch(s, batch_id)
    rows, unknown = read_sheet(path)
    result = Imported(batch_id, rows=len(rows), unknown_columns=unknown)
    entries: dict[str, list[Record]] = {}
    for r in s.scalars(select(Record).where(Record.batch_id == batch_id, Record.fragment.is_distinct_from("tail"))):
        key = _number_key(r.fields.get("registration_number"))
        entries.setdefault(key, []).append(r)
    importer = _importer(actor)
    seen: set[str] = set()
    for n, row in rows:
        number = row.get("registration_number", "")
        key = _number_key(number)
        problem = ("thiếu số đăng ký" if not key else "số này đã có ở một dòng trước" if key in seen
                   else "không có mục nào mang số này trên các trang đã quét" if key not in entries
                   else "nhiều mục trên các trang mang cùng số này" if len(entries[key]) > 1 else None)
        if problem:
            result.rows_without_entry.append({"row": n, "registration_number": number, "reason": problem})
            continue
        seen.add(key)
        target = entries[key][0]
        row_type = record_type_of(row.get("type", "")) or target.type
        if row_type != target.type:
            result.rejected_rows.append({"row": n, "registration_number": number,
                                         "errors": {"type": f"dòng là {row.get('type')}, mục trên trang là "
                                                            f"loại khác ({target.type})"}})
            continue
        # Empty cells were not keyed: they leave what is stored alone. A cell showing the stored value as the
        # export writes it is not a change either (and a doubtful OCR value exported and brought back unchanged
        # must not make its row refused).
        submitted = {k: v for k, v in row.items()
                     if v and k in field_names(target.type) and v != cell(k, target.fields.get(k))}
        try:  # every value is checked before any is written: a refused row leaves nothing behind
            done = correct(target.id, submitted, importer, threshold, s=s)
        except FieldErrors as exc:
            result.rejected_rows.append({"row": n, "registration_number": number, "errors": exc.errors})
            continue
        result.matched += 1
        target.provenance = "import"
        changed = len(done.changed)
        if row.get("notes") and row["notes"] != (target.notes or ""):  # a margin note keyed with the entry
            target.notes = row["notes"]
            changed += 1
        if changed:
            result.changed_records.append(target.id)
            result.fields_changed += changed
        target.indexed = False  # the provenance is shown with the record; re-index every matched entry
    for key, records in entries.items():
        if key not in seen:
            for r in records:
                result.entries_without_row.append({"registration_number": r.fields.get("registration_number"),
                                                   "record_id": r.id, "pages": [rp.page.seq for rp in r.pages]})
    record(s, actor, "import_keyed", target=batch_id, file=Path(path).name, rows=result.rows,
           matched=result.matched, fields_changed=result.fields_changed,
           rows_without_entry=len(result.rows_without_entry), entries_without_row=len(result.entries_without_row),
           rejected_rows=len(result.rejected_rows))
    return result


def _importer(actor: Actor) -> Principal:
    """Who the corrections are kept under: the signed-in clerk, or the account that ran the command."""
    if actor.principal is not None:
        return actor.principal
    return Principal(user_id=0, username=actor.username or "import", role=Role.CLERK, via="cli")


def import_and_index(path: Path, batch_id: str, *, ctx, actor: Actor) -> Imported:
    """``import_keyed`` in one transaction, then the matched entries re-indexed (the index follows the database)."""
    from workers.stages import index_records

    with ctx.db.session() as s:
        result = import_keyed(path, batch_id, s=s, actor=actor, threshold=ctx.settings.review_threshold)
        ids = list(s.scalars(select(Record.id).where(Record.batch_id == batch_id, Record.provenance == "import",
                                                     Record.indexed.is_(False))))
    index_records(ids, ctx)
    return result
