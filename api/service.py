"""Read operations shared by the CLI and the HTTP API, so both show the same thing."""
from __future__ import annotations

from sqlalchemy import func, select

from domain.errors import NotFound
from index import SearchQuery
from storage.models import Batch, Page, PageStatus, Record
from workers import Context
from workers.stages import source_of

from . import people


def record_detail(record_id: str, ctx: Context) -> dict:
    with ctx.db.session() as s:
        record = s.get(Record, record_id)
        if record is None:
            raise NotFound(f"Không tìm thấy hồ sơ {record_id}")
        return {
            "record_id": record.id,
            "type": record.type,
            "status": record.status,
            "fields": record.fields,
            "confidence": record.confidence,
            "needs_review": record.needs_review,
            "text": record.text,
            "pages": [
                {"page_id": rp.page.id, "number": rp.page.number, "seq": rp.page.seq,
                 "image_key": rp.page.image_key, "confidence": rp.page.confidence}
                for rp in record.pages
            ],
            "source": source_of(record),
            "versions": people.versions(record, s=s),
            "links": people.links_of(record.id, s=s),
        }


def search(ctx: Context, query: SearchQuery) -> dict:
    result = ctx.index.search(query)
    return {
        "total": result.total,
        "hits": [
            {"record_id": h.record_id, "type": h.type, "score": h.score, "fields": h.fields, "source": h.source}
            for h in result.hits
        ],
    }


def list_batches(ctx: Context, limit: int = 100) -> list[dict]:
    with ctx.db.session() as s:
        counts: dict[str, dict[str, int]] = {}
        for batch_id, status, n in s.execute(
            select(Page.batch_id, Page.status, func.count()).group_by(Page.batch_id, Page.status)
        ):
            counts.setdefault(batch_id, {})[status] = n
        records = dict(s.execute(select(Record.batch_id, func.count()).group_by(Record.batch_id)).all())
        out = []
        for b in s.scalars(select(Batch).order_by(Batch.created_at.desc()).limit(limit)):
            c = counts.get(b.id, {})
            out.append({
                "batch_id": b.id, "record_type": b.record_type, "book": b.book, "authority": b.authority,
                "years": b.years, "created_at": b.created_at.isoformat(), "finished": b.finished_at is not None,
                "pages": sum(c.values()), "done": c.get(PageStatus.DONE, 0), "failed": c.get(PageStatus.FAILED, 0),
                "records": records.get(b.id, 0),
            })
        return out


def page_image(page_id: str, ctx: Context) -> tuple[bytes | None, str | None]:
    """A direct URL when the object store can hand one out (then no bytes are read), else the image bytes."""
    with ctx.db.session() as s:
        page = s.get(Page, page_id)
        if page is None or not page.image_key:
            raise NotFound(f"Không có ảnh cho trang {page_id}")
        key = page.image_key
    url = ctx.store.url(key)
    return (None, url) if url else (ctx.store.get_bytes(key), None)
