"""A register book's pages are numbered one after another: a page whose number, as read above its table, both
its nearest read neighbours contradict (1, 9, 3) sends its entries to review, with why.

Pages are read independently, so only the batch, once every page is done, sees the sequence. Like an entry's
number (``ocr.register_table.out_of_sequence``), the page number is flagged, never rewritten: its entries' page
number loses confidence and the page carries the doubt, which the review queue shows. A page is flagged once:
a person who confirms the number in review is not asked again at the batch's next finish; reading the page
again reads its number anew and checks it again. An entry cut at the page's foot keeps the doubt in its own part
(``workers.joining.part``), so joining it again later, when the next page is re-read, keeps it in review.
"""
from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from ocr.register_table import out_of_sequence
from storage.models import Page, PageStatus, Record, RecordPage

from .context import Context

DOUBT = "Số trang đọc được ({here}) không khớp với các trang bên cạnh ({before} … {after}): cần kiểm tra."


def _doubted(confidence: dict[str, float]) -> dict[str, float]:
    return {**confidence, "page_number": round(confidence.get("page_number", 1.0) * 0.3, 3)}


def check_page_numbers(batch_id: str, ctx: Context) -> list[str]:
    """Flag the batch's pages whose number their neighbours contradict. Returns the records sent to review."""
    flagged: list[str] = []
    with ctx.db.session() as s:
        pages = s.scalars(select(Page).where(Page.batch_id == batch_id).order_by(Page.seq)).all()
        on_page: dict[str, list[Record]] = {}
        for record, page_id in s.execute(select(Record, RecordPage.page_id).join(RecordPage).where(
                Record.batch_id == batch_id, RecordPage.ordinal == 0)):
            on_page.setdefault(page_id, []).append(record)

        def number(page: Page) -> str | None:  # as its entries read it (one number a page)
            read = Counter(r.fields.get("page_number") for r in on_page.get(page.id, ()) if r.fields.get("page_number"))
            return read.most_common(1)[0][0] if page.status == PageStatus.DONE and read else None

        numbers = [number(p) for p in pages]
        for i, before, after, _ in out_of_sequence(numbers):
            page = pages[i]
            if page.reason:  # doubted already (by this check, or as a page of another kind): once
                continue
            page.reason = DOUBT.format(here=numbers[i], before=before, after=after)
            for record in on_page.get(page.id, ()):
                if record.provenance is not None or "page_number" not in record.fields:
                    continue  # typed or imported by a person: theirs
                record.confidence = _doubted(record.confidence)
                if record.parts:  # an entry cut at the page's foot: its own part keeps the doubt through joins
                    own = record.parts["own"]
                    record.parts = {**record.parts, "own": own | {"confidence": _doubted(own["confidence"]),
                                                                  "doubt": page.reason}}
                record.needs_review, record.indexed = True, False
                flagged.append(record.id)
    return flagged
