"""Register entries cut at the bottom of one page and continued at the top of the next become one record.

Pages are read independently (in any order, on any worker), so only the batch, once every page is done, sees
both halves. The head record — the entry's first part — absorbs its tail: it keeps both parts as read, takes
the joined values and a link to the second page; the tail record is deleted. Either page may be re-read later:
re-reading the head page replaces the head's own part, re-reading the tail page drops the joined part, and the
next join puts them together again.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from domain import ids
from domain.records import ExtractedRecord, RecordType
from ocr.register_table import join_entries
from storage.models import Page, PageStatus, Record, RecordPage

from .context import Context


def part(read: ExtractedRecord | Record, doubt: str | None = None) -> dict:
    """What one page yielded for an entry, as kept in ``Record.parts``. ``doubt`` is why its page sends what it
    yields to review whatever the confidences (an administrative page in a typed book): kept with the part, so
    that a join or an unjoin, which recomputes the flag, does not lose it."""
    return {"fields": read.fields, "confidence": read.confidence, "text": read.text} | (
        {"doubt": doubt} if doubt else {})


def needs_review(confidence: dict[str, float], review_threshold: float, doubt: str | None = None) -> bool:
    """A record goes to review when a value was read below the threshold, or when its page doubts what it
    yields (``doubt``, see :func:`part`)."""
    return doubt is not None or any(c < review_threshold for c in confidence.values())


def set_values(record: Record, read: ExtractedRecord, review_threshold: float, doubt: str | None = None) -> None:
    """A record's values (and whether it needs review) from what was read."""
    record.fields, record.confidence, record.text = read.fields, read.confidence, read.text
    record.needs_review = needs_review(read.confidence, review_threshold, doubt)


def _extracted(record: Record, part: dict) -> ExtractedRecord:
    return ExtractedRecord(type=RecordType(record.type), fields=part["fields"], confidence=part["confidence"],
                           text=part["text"])


def apply_parts(record: Record, review_threshold: float) -> None:
    """Set a head record's values from its parts: its own, joined with its tail's when it has one."""
    own, tail = record.parts["own"], record.parts.get("tail")
    joined = join_entries(_extracted(record, own), _extracted(record, tail)) if tail else _extracted(record, own)
    set_values(record, joined, review_threshold, own.get("doubt") or (tail or {}).get("doubt"))
    record.indexed = False


def join_batch(batch_id: str, ctx: Context) -> tuple[list[str], list[str]]:
    """Join every head with the tail at the top of the next page. Returns (records changed, records deleted)."""
    changed: list[str] = []
    deleted: list[str] = []
    with ctx.db.session() as s:
        pages = s.scalars(select(Page).where(Page.batch_id == batch_id).order_by(Page.seq)).all()
        following = {a.id: b for a, b in zip(pages, pages[1:], strict=False)
                     if b.seq == a.seq + 1 and b.status == PageStatus.DONE}
        # Every head and every tail of the batch (with their pages) in one query each, not one per head.
        heads = s.scalars(select(Record).join(RecordPage).where(
            Record.batch_id == batch_id, Record.fragment == "head", RecordPage.ordinal == 0)
            .options(selectinload(Record.pages))).all()
        tails = {rp.page_id: rec for rec, rp in s.execute(select(Record, RecordPage).join(RecordPage).where(
            RecordPage.page_id.in_([p.id for p in following.values()]), RecordPage.ordinal == 0,
            Record.fragment == "tail"))}
        for head in heads:
            nxt = following.get(head.pages[0].page_id)
            tail = tails.pop(nxt.id, None) if nxt else None
            if tail is None:
                continue  # already joined (its part is in head.parts), or the next page starts a new entry
            # A page with records has a reason only when it doubts them (workers.stages), so it is the tail's doubt.
            head.parts = {**head.parts, "tail": part(tail, nxt.reason) | {"type": tail.type, "page_id": nxt.id}}
            if all(rp.page_id != nxt.id for rp in head.pages):
                head.pages.append(RecordPage(page_id=nxt.id, ordinal=len(head.pages)))
            apply_parts(head, ctx.settings.review_threshold)
            deleted.append(tail.id)
            s.delete(tail)
            changed.append(head.id)
    if deleted:
        ctx.index.delete(deleted)
    return changed, deleted


def release_tail(s, batch_id: str, tail: dict, review_threshold: float) -> None:
    """A part taken from the next page whose head is gone (its page, re-read, no longer ends with a cut entry)
    becomes a record of its own again, as before the join, so that nothing read is lost."""
    rid = ids.record_id(tail["page_id"], 0)  # a continuation is its page's first record
    if s.get(Record, rid) is not None:
        return
    s.add(Record(id=rid, batch_id=batch_id, type=tail["type"], fragment="tail", fields=tail["fields"],
                 confidence=tail["confidence"], text=tail["text"], indexed=False,
                 needs_review=needs_review(tail["confidence"], review_threshold, tail.get("doubt")),
                 pages=[RecordPage(page_id=tail["page_id"], ordinal=0)]))


def unjoin_page(s, page_id: str, review_threshold: float) -> None:
    """Before a page is re-read: heads that took their tail from it go back to their own part."""
    heads = s.scalars(select(Record).join(RecordPage).where(
        RecordPage.page_id == page_id, RecordPage.ordinal > 0, Record.fragment == "head")).all()
    for head in heads:
        head.parts = {"own": head.parts["own"]}
        head.pages = [rp for rp in head.pages if rp.page_id != page_id]
        apply_parts(head, review_threshold)
