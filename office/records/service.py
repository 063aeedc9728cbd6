"""Read operations shared by the CLI and the HTTP API, so both show the same thing."""
from __future__ import annotations

from sqlalchemy.orm import Session, selectinload

from domain.errors import NotFound
from domain.personal_id import with_ids_masked
from index import SearchQuery
from office.people import service as people
from office.progress import service as dashboard
from storage.models import Page, Record, RecordPage
from workers import Context
from workers.stages import source_of

# What `sohoa batches` and /api/v1/batches list: a subset of the progress page's row for a batch.
_BATCH_KEYS = ("batch_id", "record_type", "book", "authority", "years", "created_at", "finished", "pages", "done",
               "failed", "records")


def record_detail(record_id: str, ctx: Context) -> dict:
    with ctx.db.session() as s:
        return detail_of(record_id, s=s)


def detail_of(record_id: str, *, s: Session) -> dict:
    """The record with its pages, source, versions and links; its pages and their files loaded in one go."""
    record = s.get(Record, record_id, options=[
        selectinload(Record.pages).selectinload(RecordPage.page).selectinload(Page.file)])
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
    """Search results, identity numbers masked: a list of hits is not the place to read them in full."""
    result = ctx.index.search(query)
    return {
        "total": result.total,
        "hits": [
            {"record_id": h.record_id, "type": h.type, "score": h.score, "fields": with_ids_masked(h.fields),
             "source": h.source}
            for h in result.hits
        ],
    }


def list_batches(ctx: Context, limit: int = 100) -> list[dict]:
    with ctx.db.session() as s:
        return [{k: row[k] for k in _BATCH_KEYS} for row in dashboard.batches(s=s, limit=limit)]


def page_image(page_id: str, ctx: Context) -> tuple[bytes | None, str | None]:
    """A direct URL when the object store can hand one out (then no bytes are read), else the image bytes."""
    with ctx.db.session() as s:
        page = s.get(Page, page_id)
        if page is None or not page.image_key:
            raise NotFound(f"Không có ảnh cho trang {page_id}")
        key = page.image_key
    url = ctx.store.url(key)
    return (None, url) if url else (ctx.store.get_bytes(key), None)
