"""Read operations shared by the CLI and the HTTP API, so both show the same thing; each read of a record, a
page or a search by an officer writes its audit entry here (the citizen's access log is built from them)."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from domain.errors import NotFound
from domain.personal_id import with_ids_masked
from domain.records import RecordType
from index import SearchQuery
from office.audit.service import Actor, page_records, record
from office.dossiers.service import with_batch
from office.keying import service as keying
from office.people import service as people
from office.progress import service as dashboard
from storage.dossier_models import Dossier
from storage.models import Batch, Page, Record, RecordPage
from workers import Context
from workers.stages import source_of

from . import review
from .marks import key_mark, page_marks

# What `sohoa batches` and /api/v1/batches list: a subset of the progress page's row for a batch.
_BATCH_KEYS = ("batch_id", "record_type", "book", "authority", "years", "created_at", "finished", "pages", "done",
               "failed", "records")


def record_detail(record_id: str, ctx: Context, *, actor: Actor) -> dict:
    """A record read at the office's own machine (``sohoa show``, the demo): audited like any other read."""
    with ctx.db.session() as s:
        detail = detail_of(record_id, s=s)
        record(s, actor, "view_record", target=record_id)
        return detail


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


def view_record(record_id: str, actor: Actor, *, s: Session, dossier_id: str | None = None,
                purpose: str | None = None) -> dict:
    """The record as an officer reads it: with its provenance, corrections and keyings; the read is audited
    (within a dossier the dossier is the purpose)."""
    detail = detail_of(record_id, s=s)
    batch = s.get(Batch, detail["source"]["batch_id"])
    detail["provenance"] = {**with_batch(detail["source"], batch),
                            "ingested_by": batch.created_by if batch else None,
                            "ingested_at": batch.created_at.isoformat() if batch else None}
    detail["corrections"] = review.history(record_id, s=s)
    detail["keyed"] = keying.keyed_by(record_id, s=s)
    record(s, actor, "view_record", target=record_id, dossier_id=dossier_id, purpose=None if dossier_id else purpose)
    return detail


def book_nav(batch_id: str, seq: int, *, s: Session) -> dict:
    """Where a page sits in its book: the previous and next page numbers, if any."""
    total = s.scalar(select(func.count()).select_from(Page).where(Page.batch_id == batch_id)) or 0
    return {"batch_id": batch_id, "seq": seq, "total": total,
            "prev": seq - 1 if seq > 1 else None, "next": seq + 1 if seq < total else None}


def record_page(record_id: str, actor: Actor, *, s: Session, store, dossier_id: str | None = None,
                purpose: str | None = None, with_dossiers: bool = False) -> dict:
    """What the record page shows: the audited record, its place in the book, the marks OCR set aside on its
    first page and, for those who may attach it, the recent dossiers to attach it to."""
    detail = view_record(record_id, actor, s=s, dossier_id=dossier_id, purpose=purpose)
    first = detail["pages"][0] if detail["pages"] else None
    dossiers = [(d.id, f"{d.id} — {d.procedure} — {d.applicant_name}") for d in
                s.scalars(select(Dossier).order_by(Dossier.created_at.desc()).limit(30))] if with_dossiers else []
    return {"record": detail, "nav": book_nav(detail["source"]["batch_id"], first["seq"] if first else 1, s=s),
            "dossiers": dossiers, "marks": page_marks(s.get(Page, first["page_id"]), s=s, store=store) if first else []}


def book_page(batch_id: str, seq: int, actor: Actor, *, s: Session, store, dossier_id: str | None = None) -> dict:
    """One page of a book with the records read on it, its text as read and the marks OCR set aside on it, for
    paging through the book; audited. A page filed as a document (a decision, an official letter) yields no
    record: its text and its marks (the number a pen wrote into its blank) are what there is to read."""
    page = page_at(batch_id, seq, s=s)
    records = [{"record_id": r.id, "type": r.type, "fields": r.fields} for r in s.scalars(
        select(Record).join(RecordPage).where(RecordPage.page_id == page.id))]
    info = {"page_id": page.id, "number": page.number, "status": page.status, "reason": page.reason,
            "has_image": page.image_key is not None, "text": page.text or ""}
    record(s, actor, "view_page", target=page.id, dossier_id=dossier_id, batch_id=batch_id, seq=seq,
           records=sorted(r["record_id"] for r in records))
    return {"page": info, "records": records, "nav": book_nav(batch_id, seq, s=s),
            "marks": page_marks(page, s=s, store=store)}


def page_at(batch_id: str, seq: int, *, s: Session) -> Page:
    page = s.scalar(select(Page).where(Page.batch_id == batch_id, Page.seq == seq))
    if page is None:
        raise NotFound(f"Quyển {batch_id} không có trang {seq}")
    return page


def marks_of_page(page_id: str, actor: Actor, *, s: Session, store, dossier_id: str | None = None) -> list[dict]:
    """The marks OCR set aside on a page and what was typed for them; audited as a view of the page (a value
    typed there may be a person's)."""
    page = s.get(Page, page_id)
    if page is None:
        raise NotFound(f"Không có trang {page_id}")
    record(s, actor, "view_page", target=page.id, dossier_id=dossier_id, batch_id=page.batch_id, seq=page.seq,
           records=page_records(s, page.id))
    return page_marks(page, s=s, store=store)


def key_mark_at(batch_id: str, seq: int, mark: str, value: str, actor: Actor, *, s: Session, store) -> dict:
    """``marks.key_mark`` for the book's page view, which names a page by its place in the book."""
    return key_mark(page_at(batch_id, seq, s=s).id, mark, value, actor, s=s, store=store)


DECADES = range(1900, 2030, 10)


def facets(ctx: Context, base: SearchQuery) -> dict[str, dict[str, int]]:
    """Counts by type and by decade (by year within a range of under ten years), counted by the index."""
    counted = ctx.index.facets(base)
    types = {t.value: counted.type[t.value] for t in RecordType if counted.type.get(t.value)}
    narrow = base.year_from is not None and base.year_to is not None and base.year_to - base.year_from < 10
    if narrow:
        years = {str(y): counted.year[y] for y in range(base.year_from, base.year_to + 1) if counted.year.get(y)}
    else:
        decades: dict[str, int] = {}
        for year, n in sorted(counted.year.items()):
            d = year - year % 10
            if d in DECADES:
                decades[f"{d}-{d + 9}"] = decades.get(f"{d}-{d + 9}", 0) + n
        years = decades
    return {"type": types, "year": years}


def officer_search(query: SearchQuery, ctx: Context, *, actor: Actor, dossier_id: str | None = None,
                   with_facets: bool | None = True) -> dict:
    """A search by an officer: the hits with the records each may duplicate, the facets if asked (None: only
    where the matches are few enough to count at once, ``COUNTED`` or fewer; the page asks a broad search's
    counts after its hits, ``counts``); audited with the ids shown (the citizen's access log lists the searches
    that showed their record)."""
    result = search(ctx, query)
    if with_facets or (with_facets is None and not result["capped"]):
        result |= counts(ctx, query)
    with ctx.db.session() as s:
        duplicates = people.duplicates_among([h["record_id"] for h in result["hits"]], s=s)
        for hit in result["hits"]:
            hit["duplicates"] = duplicates.get(hit["record_id"], [])
        record(s, actor, "search", dossier_id=dossier_id, q=query.text, type=query.type,
               authority=query.authority, year_from=query.year_from, year_to=query.year_to,
               total=result["total"], shown=[h["record_id"] for h in result["hits"]])
    return result


def counts(ctx: Context, query: SearchQuery) -> dict:
    """A search's facets and its exact total (the facets count every match, past ``COUNTED`` too). Counts only,
    no record: not audited as a read. At ten million records a broad name's counts cost more than its page of
    hits (p95 243 against 98 ms, docs/benchmarks.md, search, session 52), so the search page asks them after."""
    found = facets(ctx, query)
    types = found["type"]
    return {"facets": found, "total": types.get(query.type, 0) if query.type else sum(types.values()),
            "capped": False}


def search(ctx: Context, query: SearchQuery) -> dict:
    """Search results, identity numbers masked: a list of hits is not the place to read them in full."""
    result = ctx.index.search(query)
    return {
        "total": result.total,
        "capped": result.capped,
        "hits": [
            {"record_id": h.record_id, "type": h.type, "score": h.score, "fields": with_ids_masked(h.fields),
             "source": h.source}
            for h in result.hits
        ],
    }


def list_batches(ctx: Context, limit: int = 100) -> list[dict]:
    with ctx.db.session() as s:
        return [{k: row[k] for k in _BATCH_KEYS} for row in dashboard.batches(s=s, limit=limit)]


def page_image(page_id: str, ctx: Context, *, actor: Actor,
               dossier_id: str | None = None) -> tuple[bytes | None, str | None]:
    """A direct URL when the object store can hand one out (then no bytes are read), else the image bytes; each
    download audited."""
    with ctx.db.session() as s:
        page = s.get(Page, page_id)
        if page is None or not page.image_key:
            raise NotFound(f"Không có ảnh cho trang {page_id}")
        key = page.image_key
    url = ctx.store.url(key)
    found = (None, url) if url else (ctx.store.get_bytes(key), None)
    with ctx.db.session() as s:
        record(s, actor, "download_image", target=page_id, dossier_id=dossier_id, records=page_records(s, page_id))
    return found
