"""The README's first command: make a sample book, ingest it, and find a person typed without diacritics."""
from __future__ import annotations

import json
from pathlib import Path

from rich.console import Console
from rich.table import Table

from domain.errors import SohoaError
from domain.labels import FIELD_LABELS_VI, display_value
from domain.text import fold
from index import SearchQuery
from office.audit.service import Actor
from office.records.service import officer_search, record_detail
from workers import Context, NoProgress, open_executor
from workers.batches import BatchMeta, pages_to_run, register_batch, report


def run_demo(ctx: Context, *, pages: int, console: Console, cli: str = "sohoa") -> None:
    """``cli``: how the caller's shell runs sohoa (scripts/demo finds out), so the commands suggested at the end
    work exactly as printed."""
    from samples import generate_book

    out_dir = ctx.settings.home / "demo"
    console.print(f"[bold]1. Tạo quyển sổ khai sinh mẫu ({pages} trang ảnh quét) trong {out_dir}")
    book = generate_book(out_dir, record_type="birth", pages=pages, seed=2026, degradation="moderate", fmt="pdf")
    truth = json.loads(book.truth_path.read_text(encoding="utf-8"))

    console.print(f"[bold]2. Nhập {book.path.name}: kiểm tra, lưu bản gốc, nhận dạng chữ tiếng Việt")
    reg = register_batch([book.path], BatchMeta(record_type="auto", book="Mẫu 01/2026"), ctx)
    open_executor(ctx).run(reg.batch_id, pages_to_run(reg.batch_id, ctx), NoProgress())
    rep = report(reg.batch_id, ctx)
    console.print(f"   Lô {rep['batch_id']}: {rep['pages']} trang, {rep['records']} hồ sơ, {len(rep['failed'])} lỗi")

    person = truth["pages"][0]["fields"]["full_name"]
    query = fold(person)
    console.print(f"[bold]3. Tìm [cyan]{query}[/] (gõ không dấu) — người thật trong sổ là [green]{person}")
    result = officer_search(SearchQuery(text=query, limit=5), ctx, actor=Actor.cli(), with_facets=False)
    table = Table("Mã hồ sơ", "Họ tên", "Ngày sinh", "Điểm", "Nguồn")
    for h in result["hits"]:
        table.add_row(h["record_id"], str(h["fields"].get("full_name")),
                      display_value("date_of_birth", h["fields"].get("date_of_birth")),
                      f"{h['score']:.1f}", f"{Path(str(h['source'].get('file'))).name} tr. {h['source'].get('pages')}")
    console.print(table)
    found = [h for h in result["hits"] if fold(str(h["fields"].get("full_name", ""))) == query]
    if not found:
        raise SohoaError(f"Bản trình diễn không tìm thấy {person}: xem báo cáo lô {rep['batch_id']}", code="demo")
    detail = record_detail(found[0]["record_id"], ctx, actor=Actor.cli())
    console.print(f"[bold]4. Hồ sơ {detail['record_id']}[/]: " + " · ".join(
        f"{FIELD_LABELS_VI[k]}: {display_value(k, v)}" for k, v in detail["fields"].items()
        if k in ("full_name", "date_of_birth", "father_name", "mother_name", "personal_id")))
    console.print(f"[green]Xong.[/] Thử: {cli} search \"{query}\"  ·  {cli} serve  →  http://127.0.0.1:8000/")
