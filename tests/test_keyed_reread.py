"""A record a person typed (keyed at the station, or imported from a keyed spreadsheet) survives a re-read of its
page — a retry or a page fix — untouched: OCR never overwrites or deletes what people keyed."""
from __future__ import annotations

from sqlalchemy import select

from samples import generate_book
from storage.models import Record
from workers import Context, NoProgress, open_executor
from workers.batches import BatchMeta, pages_to_run, register_batch
from workers.stages import process_page


def test_a_keyed_record_is_not_overwritten_by_a_reread(embedded_settings, tmp_path):
    book = generate_book(tmp_path / "book", record_type="birth", pages=1, seed=8, degradation="clean", fmt="pdf")
    ctx = Context(embedded_settings)
    reg = register_batch(book.paths, BatchMeta(record_type="birth", book="03/1999"), ctx)
    page_ids = pages_to_run(reg.batch_id, ctx)
    open_executor(ctx).run(reg.batch_id, page_ids, NoProgress())
    with ctx.db.session() as s:
        record = s.scalars(select(Record).where(Record.batch_id == reg.batch_id)).first()
        record.fields = {**record.fields, "full_name": "Đặng Thị Gõ Tay"}
        record.provenance = "keyed"
        keyed_id = record.id
    process_page(page_ids[0], ctx)  # read again, as a retry or a page fix does
    with ctx.db.session() as s:
        again = s.get(Record, keyed_id)
        assert again is not None and again.fields["full_name"] == "Đặng Thị Gõ Tay"
    ctx.close()
