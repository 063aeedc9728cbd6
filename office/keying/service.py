"""The keying station's service: entries of a page, each keyer's values, comparison, arbitration, publication.

Verification per book (:class:`KeyingBook`): **single** — one clerk keys an entry, a second reviews it; **double**
— two different clerks key it blind (neither is ever shown the other's values), equal fields are accepted and
the differing ones go to a third clerk, who sees both values and the image. Only accepted entries become
records (provenance "keyed"), written over the OCR record of the same row where there was one and indexed
through the pipeline's own path (``workers.stages.index_records``). Every change and every read of an entry's
values is audited here, so the web pages, /api/v1 and the benchmark behave the same.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain import ids
from domain.errors import Conflict, Forbidden, InvalidRequest, NotFound
from domain.labels import FIELD_LABELS_VI
from domain.records import RecordType, field_names
from ocr.register_table import HEADINGS
from office.audit.service import Actor
from office.audit.service import record as audit
from office.records.review import FieldErrors
from storage.models import Batch, Page, Record, RecordPage, utcnow

from . import checks
from .models import EntryStatus, Keying, KeyingBook, KeyingEntry, KeyingMode
from .rows import row_bands

ILLEGIBLE = "\u2047"  # what an illegible field compares as (⁇): two keyers who both could not read it agree
HEADER_FIELDS = ("book_number", "page_number", "registration_authority")  # printed once per page


def _me(actor: Actor) -> str:
    if actor.principal is None:
        raise Forbidden("Vui lòng đăng nhập.")
    return actor.principal.username


# -- books ----------------------------------------------------------------------------------------------
def book_of(batch_id: str, actor: Actor, *, s: Session) -> KeyingBook:
    """The book's keying settings; a book keyed for the first time gets blind double keying."""
    book = s.get(KeyingBook, batch_id)
    if book is not None:
        return book
    batch = s.get(Batch, batch_id)
    if batch is None:
        raise NotFound(f"Không tìm thấy quyển {batch_id}")
    rtype = batch.record_type if batch.record_type in set(RecordType) else s.scalar(
        select(Record.type).where(Record.batch_id == batch_id).limit(1))
    if rtype is None:
        raise InvalidRequest("Quyển này chưa rõ loại sổ: chọn loại sổ trước khi nhập liệu.")
    book = KeyingBook(batch_id=batch_id, mode=KeyingMode.DOUBLE, record_type=rtype, columns=[], set_by=_me(actor))
    s.add(book)
    s.flush()
    return book


def set_mode(batch_id: str, mode: str, actor: Actor, *, s: Session, record_type: str | None = None) -> KeyingBook:
    if mode not in KeyingMode.ALL:
        raise InvalidRequest("Chế độ kiểm tra phải là “single” (gõ một lần, có người duyệt) "
                             "hoặc “double” (gõ hai lần).")
    if record_type is not None and record_type not in set(RecordType):
        raise InvalidRequest(f"Loại sổ không hợp lệ: {record_type}")
    book = book_of(batch_id, actor, s=s) if record_type is None else s.get(KeyingBook, batch_id)
    if book is None:
        book = KeyingBook(batch_id=batch_id, mode=mode, record_type=record_type, columns=[], set_by=_me(actor))
        if s.get(Batch, batch_id) is None:
            raise NotFound(f"Không tìm thấy quyển {batch_id}")
        s.add(book)
    keyed = s.scalar(select(Keying.id).join(KeyingEntry).where(KeyingEntry.batch_id == batch_id).limit(1))
    if keyed is not None and (mode != book.mode or (record_type and record_type != book.record_type)):
        raise Conflict("Quyển này đã có mục được gõ: không đổi chế độ kiểm tra hay loại sổ được nữa.")
    book.mode, book.set_by = mode, _me(actor)
    book.record_type = record_type or book.record_type
    audit(s, actor, "keying_mode", target=batch_id, mode=mode, record_type=book.record_type)
    return book


def form_fields(book: KeyingBook) -> tuple[list[str], list[str]]:
    """(the fields the form asks for, in the register's order; the type's other fields, behind “more”)."""
    rtype = RecordType(book.record_type)
    columns = book.columns or list(HEADINGS.get(rtype, {})) or list(field_names(rtype))
    main = [f for f in HEADER_FIELDS if f in field_names(rtype)] + [c for c in columns if c not in HEADER_FIELDS]
    return main, [f for f in field_names(rtype) if f not in main]


# -- entries of a page ----------------------------------------------------------------------------------
def _entries(page_id: str, s: Session) -> list[KeyingEntry]:
    return list(s.scalars(select(KeyingEntry).where(KeyingEntry.page_id == page_id)
                          .options(selectinload(KeyingEntry.keyings)).order_by(KeyingEntry.position)))


def _ocr_records(page_id: str, s: Session) -> list[Record]:
    rows = s.scalars(select(Record).join(RecordPage).where(RecordPage.page_id == page_id, RecordPage.ordinal == 0))
    return sorted(rows, key=lambda r: int(r.id.rsplit("-", 1)[-1]) if r.id.rsplit("-", 1)[-1].isdigit() else 1 << 30)


def ensure_entries(page: Page, book: KeyingBook, actor: Actor, *, s: Session, store, threshold: float) -> None:
    """A page opened for the first time gets one entry per table row (with the OCR record read from it, and
    that record's confident values as suggestions); rows with neither words nor a record are left out."""
    if s.scalar(select(KeyingEntry.id).where(KeyingEntry.page_id == page.id).limit(1)) is not None:
        return
    bands, texts, columns = row_bands(page, book.record_type, store)
    if columns and not book.columns:
        book.columns = columns
    records, used = _ocr_records(page.id, s), set()
    matched: dict[int, Record] = {}
    for rec in records:  # each record to the band its words came from; the rest in order
        k = next((i for i, t in enumerate(texts) if i not in used and t and t == rec.text), None)
        if k is not None:
            used.add(k)
            matched[k] = rec
    rest = [r for r in records if r not in matched.values()]
    for i in range(len(bands)):
        if i not in matched and rest and texts[i]:
            matched[i] = rest.pop(0)
    any_words = any(texts)
    slots = [(bands[i], matched.get(i)) for i in range(len(bands)) if matched.get(i) or texts[i] or not any_words]
    slots += [(None, r) for r in rest]
    main, _more = form_fields(book)
    for n, (band, rec) in enumerate(slots):
        suggestion = {} if rec is None else {
            k: v for k, v in rec.fields.items()
            if isinstance(v, str) and k in main and (rec.confidence or {}).get(k, 0.0) >= threshold}
        s.add(KeyingEntry(batch_id=page.batch_id, page_id=page.id, position=float(n + 1),
                          top=band[0] if band else None, bottom=band[1] if band else None,
                          source_record_id=rec.id if rec else None, suggestion=suggestion,
                          status=EntryStatus.OPEN, fields={}, sources={}, created_by=_me(actor)))
    s.flush()


def _needed(book: KeyingBook) -> int:
    return 2 if book.mode == KeyingMode.DOUBLE else 1


def _entry_view(e: KeyingEntry, me: str, book: KeyingBook) -> dict:
    mine = next((k for k in e.keyings if k.username == me), None)
    keyers = [k.username for k in e.keyings]
    can_key = e.status == EntryStatus.OPEN and (mine is not None or len(keyers) < _needed(book))
    return {"id": e.id, "position": e.position, "top": e.top, "bottom": e.bottom, "status": e.status,
            "suggestion": e.suggestion if can_key else {}, "keyings": len(keyers), "can_key": can_key,
            "mine": {"fields": mine.fields, "illegible": mine.illegible} if mine else None,
            # Accepted values are settled; anything else another clerk typed is never shown to a keyer.
            "accepted": e.fields if e.status == EntryStatus.ACCEPTED else None, "record_id": e.record_id}


def station(batch_id: str, seq: int, actor: Actor, *, s: Session, store, threshold: float) -> dict:
    """What the keying station shows for one page of a book: the form, the entries and this keyer's values."""
    me = _me(actor)
    book = book_of(batch_id, actor, s=s)
    page = s.scalar(select(Page).where(Page.batch_id == batch_id, Page.seq == seq))
    if page is None:
        raise NotFound(f"Quyển {batch_id} không có trang {seq}")
    ensure_entries(page, book, actor, s=s, store=store, threshold=threshold)
    batch = s.get(Batch, batch_id)
    total = len(s.scalars(select(Page.id).where(Page.batch_id == batch_id)).all())
    main, more = form_fields(book)
    entries = [_entry_view(e, me, book) for e in _entries(page.id, s) if e.status != EntryStatus.DELETED]
    audit(s, actor, "keying_open", target=page.id, batch_id=batch_id, seq=seq)
    return {"batch_id": batch_id, "book": batch.book or batch_id, "mode": book.mode, "record_type": book.record_type,
            "page": {"id": page.id, "seq": seq, "total": total, "has_image": page.image_key is not None,
                     "prev": seq - 1 if seq > 1 else None, "next": seq + 1 if seq < total else None},
            "fields": main, "more": more, "labels": {f: FIELD_LABELS_VI.get(f, f) for f in main + more},
            "figures": sorted(checks.FIGURE_FIELDS), "carry": {"book_number": batch.book or "",
                                                               "registration_authority": batch.authority or ""},
            "entries": entries}


def _entry(entry_id: int, s: Session, *, lock: bool = False) -> tuple[KeyingEntry, KeyingBook]:
    entry = s.get(KeyingEntry, entry_id, with_for_update=lock, options=[selectinload(KeyingEntry.keyings)])
    if entry is None or entry.status == EntryStatus.DELETED:
        raise NotFound(f"Không tìm thấy mục {entry_id}")
    return entry, s.get(KeyingBook, entry.batch_id)


# -- keying ---------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Saved:
    entry_id: int
    status: str
    warnings: dict[str, str] = field(default_factory=dict)
    published: list[str] = field(default_factory=list)  # record ids to index once the transaction is committed
    removed: list[str] = field(default_factory=list)  # record ids to take out of the index


def _validate(book: KeyingBook, values: dict[str, str], illegible: list[str]) -> tuple[dict, list[str]]:
    allowed = set(field_names(book.record_type))
    errors = {k: "Trường này không thuộc loại sổ này." for k in (set(values) | set(illegible)) - allowed}
    cleaned, bad = checks.clean_all({k: v for k, v in values.items() if k in allowed and k not in illegible})
    errors |= bad
    if errors:
        raise FieldErrors(errors)
    return cleaned, sorted(set(illegible) & allowed)


def save_keying(entry_id: int, values: dict[str, str], actor: Actor, *, s: Session, illegible: list[str] = (),
                keystrokes: int | None = None, seconds: float | None = None) -> Saved:
    """Store this clerk's values for an entry; once the keyings the book asks for are in, compare them."""
    me = _me(actor)
    entry, book = _entry(entry_id, s, lock=True)
    if entry.status != EntryStatus.OPEN:
        raise Conflict("Mục này đã được gõ đủ và đang chờ duyệt hoặc đã được chấp nhận.")
    mine = next((k for k in entry.keyings if k.username == me), None)
    if mine is None and len(entry.keyings) >= _needed(book):
        raise Conflict("Mục này đã có đủ người gõ.")
    cleaned, illegible = _validate(book, values, list(illegible))
    if mine is None:
        mine = Keying(username=me, fields={}, illegible=[])
        entry.keyings.append(mine)
    mine.fields, mine.illegible, mine.saved_at = cleaned, illegible, utcnow()
    mine.keystrokes = None if keystrokes is None else max(0, int(keystrokes))
    mine.seconds = None if seconds is None else max(0.0, float(seconds))
    audit(s, actor, "keying_save", target=str(entry.id), batch_id=entry.batch_id, page_id=entry.page_id,
          fields=sorted(cleaned), illegible=illegible)
    result = Saved(entry.id, entry.status, checks.warnings(cleaned))
    if len(entry.keyings) >= _needed(book):
        _compare(entry, book, actor, s, result)
    result.status = entry.status
    return result


def _value(k: Keying, name: str) -> str:
    return ILLEGIBLE if name in k.illegible else checks.comparable(name, k.fields.get(name, ""))


def _shown(k: Keying, name: str) -> str:
    return ILLEGIBLE if name in k.illegible else str(k.fields.get(name, ""))


def disputed(entry: KeyingEntry) -> list[str]:
    """Fields the two keyings differ on (all keyed fields under single keying, where a reviewer checks all)."""
    if len(entry.keyings) < 2:
        return sorted({n for k in entry.keyings for n in (*k.fields, *k.illegible)})
    a, b = entry.keyings[:2]
    names = {*a.fields, *a.illegible, *b.fields, *b.illegible}
    return sorted(n for n in names if _value(a, n) != _value(b, n))


def _compare(entry: KeyingEntry, book: KeyingBook, actor: Actor, s: Session, result: Saved) -> None:
    keyers = [k.username for k in entry.keyings]
    if book.mode == KeyingMode.SINGLE:
        entry.status = EntryStatus.REVIEW
        return
    a = entry.keyings[0]
    differ = disputed(entry)
    names = {*a.fields, *a.illegible} - set(differ)
    entry.fields = {n: a.fields[n] for n in names if n in a.fields}
    entry.sources = {n: {"keyed_by": keyers, "arbitrated_by": None, "illegible": n in a.illegible} for n in names}
    if differ:
        entry.status = EntryStatus.ARBITRATION
        return
    _publish(entry, book, actor, s, result)


def _publish(entry: KeyingEntry, book: KeyingBook, actor: Actor, s: Session, result: Saved) -> None:
    rid = entry.source_record_id or ids.keyed_record_id(entry.page_id, entry.id)
    record = s.get(Record, rid)
    if record is None:
        record = Record(id=rid, batch_id=entry.batch_id, pages=[RecordPage(page_id=entry.page_id, ordinal=0)])
        s.add(record)
    values = {k: v for k, v in entry.fields.items() if v}
    unread = [FIELD_LABELS_VI.get(n, n) for n, src in sorted(entry.sources.items()) if src.get("illegible")]
    record.type, record.fields = book.record_type, values
    record.confidence = {k: 1.0 for k in values}
    record.text = " ".join(str(v) for v in values.values())
    record.needs_review, record.indexed, record.provenance = False, False, "keyed"
    record.fragment, record.parts = None, None
    record.notes = ("Không đọc được khi nhập liệu: " + ", ".join(unread)) if unread else None
    record.updated_at = utcnow()
    entry.status, entry.record_id = EntryStatus.ACCEPTED, rid
    audit(s, actor, "keying_accept", target=rid, entry_id=entry.id, batch_id=entry.batch_id, sources=entry.sources)
    result.published.append(rid)


def arbitrate(entry_id: int, values: dict[str, str], actor: Actor, *, s: Session,
              illegible: list[str] = ()) -> Saved:
    """A third clerk settles the fields the keyings differ on (double keying), or reviews a single keying; the
    entry is then accepted and published. Keyers may not settle their own entry."""
    me = _me(actor)
    entry, book = _entry(entry_id, s, lock=True)
    if entry.status not in (EntryStatus.ARBITRATION, EntryStatus.REVIEW):
        raise Conflict("Mục này không chờ phân xử hay duyệt.")
    keyers = [k.username for k in entry.keyings]
    if me in keyers:
        raise Forbidden("Người đã gõ mục này không được tự phân xử hay duyệt nó.")
    open_fields = disputed(entry)
    if entry.status == EntryStatus.ARBITRATION:
        missing = [n for n in open_fields if n not in values and n not in illegible]
        if missing:
            raise FieldErrors({n: "Cần chọn hoặc gõ giá trị đúng cho trường này." for n in missing})
    cleaned, illegible = _validate(book, values, list(illegible))
    keyed = entry.keyings[0]
    for name in sorted({*open_fields, *cleaned, *illegible}):
        if name in illegible:
            final, unreadable = "", True
        elif name in values or name in cleaned:
            final, unreadable = cleaned.get(name, ""), False
        else:  # a reviewer who left a field as keyed
            final, unreadable = keyed.fields.get(name, ""), name in keyed.illegible
        settled = ILLEGIBLE if unreadable else checks.comparable(name, final)
        changed = any(_value(k, name) != settled for k in entry.keyings)
        entry.fields = {**entry.fields, name: final} if final else {k: v for k, v in entry.fields.items() if k != name}
        entry.sources = {**entry.sources, name: {"keyed_by": keyers, "arbitrated_by": me, "illegible": unreadable,
                                                 "changed": changed}}
    audit(s, actor, "keying_arbitrate", target=str(entry.id), batch_id=entry.batch_id,
          fields=sorted({*open_fields, *cleaned, *illegible}))
    result = Saved(entry.id, entry.status, checks.warnings(entry.fields))
    _publish(entry, book, actor, s, result)
    result.status = entry.status
    return result


def arbitration_view(entry_id: int, actor: Actor, *, s: Session) -> dict:
    """What the arbiter sees: the row's place on the page, every keyer's value of each open field (by keyer),
    and the fields already agreed."""
    me = _me(actor)
    entry, book = _entry(entry_id, s)
    if me in [k.username for k in entry.keyings]:
        raise Forbidden("Người đã gõ mục này không được tự phân xử hay duyệt nó.")
    if entry.status not in (EntryStatus.ARBITRATION, EntryStatus.REVIEW):
        raise Conflict("Mục này không chờ phân xử hay duyệt.")
    page = s.get(Page, entry.page_id)
    audit(s, actor, "keying_view", target=str(entry.id), batch_id=entry.batch_id)
    open_fields = disputed(entry)
    return {"id": entry.id, "status": entry.status, "batch_id": entry.batch_id, "page_id": entry.page_id,
            "seq": page.seq, "top": entry.top, "bottom": entry.bottom, "mode": book.mode,
            "labels": {n: FIELD_LABELS_VI.get(n, n) for n in field_names(book.record_type)},
            "open": [{"field": n, "values": [{"keyer": f"Người gõ {i + 1}", "value": _shown(k, n)}
                                              for i, k in enumerate(entry.keyings)]} for n in open_fields],
            "agreed": {n: v for n, v in entry.fields.items() if n not in open_fields}}


def arbitration_queue(actor: Actor, *, s: Session, batch_id: str | None = None, limit: int = 100) -> list[dict]:
    me = _me(actor)
    q = (select(KeyingEntry).options(selectinload(KeyingEntry.keyings))
         .where(KeyingEntry.status.in_([EntryStatus.ARBITRATION, EntryStatus.REVIEW]))
         .order_by(KeyingEntry.batch_id, KeyingEntry.id))
    if batch_id:
        q = q.where(KeyingEntry.batch_id == batch_id)
    out = []
    for e in s.scalars(q):
        if me not in [k.username for k in e.keyings]:
            out.append({"id": e.id, "batch_id": e.batch_id, "status": e.status, "open": len(disputed(e))})
            if len(out) >= limit:
                break
    return out


def next_to_key(batch_id: str, actor: Actor, *, s: Session) -> int | None:
    """The page (seq) holding the first entry this clerk may still key, or the first page never opened."""
    me = _me(actor)
    book = book_of(batch_id, actor, s=s)
    rows = s.execute(select(KeyingEntry, Page.seq).join(Page, Page.id == KeyingEntry.page_id)
                     .options(selectinload(KeyingEntry.keyings))
                     .where(KeyingEntry.batch_id == batch_id, KeyingEntry.status == EntryStatus.OPEN)
                     .order_by(Page.seq, KeyingEntry.position))
    for e, seq in rows:
        keyers = [k.username for k in e.keyings]
        if me not in keyers and len(keyers) < _needed(book):
            return seq
    opened = set(s.scalars(select(Page.seq).join(KeyingEntry, KeyingEntry.page_id == Page.id)
                           .where(Page.batch_id == batch_id)))
    return next((q for q in s.scalars(select(Page.seq).where(Page.batch_id == batch_id).order_by(Page.seq))
                 if q not in opened), None)


# -- entries added, split, merged, deleted --------------------------------------------------------------
def _remove_record(entry: KeyingEntry, s: Session, result: Saved) -> None:
    rid = entry.record_id or entry.source_record_id
    record = s.get(Record, rid) if rid else None
    if record is not None:
        s.delete(record)
        result.removed.append(rid)


def change_entries(op: str, actor: Actor, *, s: Session, entry_id: int | None = None,
                   page_id: str | None = None) -> Saved:
    """``add`` (after ``entry_id``, or at the end of ``page_id``), ``split`` (the row in two halves),
    ``merge`` (with the next entry) or ``delete``. Entries already accepted are not split or merged."""
    _me(actor)
    if op not in ("add", "split", "merge", "delete"):
        raise InvalidRequest("Thao tác không hợp lệ: add, split, merge hoặc delete.")
    result = Saved(entry_id or 0, "")
    if op == "add" and entry_id is None:
        page = s.get(Page, page_id or "")
        if page is None:
            raise NotFound("Không tìm thấy trang")
        book = book_of(page.batch_id, actor, s=s)
        siblings, after = _entries(page.id, s), None
    else:
        after, book = _entry(entry_id or 0, s, lock=True)
        page = s.get(Page, after.page_id)
        siblings = _entries(page.id, s)
    live = [e for e in siblings if e.status != EntryStatus.DELETED]
    following = next((e for e in live if after is not None and e.position > after.position), None)
    if op in ("split", "merge") and after.status == EntryStatus.ACCEPTED:
        raise Conflict("Mục đã được chấp nhận: không tách hay gộp được.")
    if op == "add" or op == "split":
        last = siblings[-1].position if siblings else 0.0
        position = (after.position + following.position) / 2 if following else (
            (after.position if after else last) + 1.0)
        top = bottom = None
        if op == "split" and after.top is not None and after.bottom is not None:
            middle = round((after.top + after.bottom) / 2, 4)
            top, bottom, after.bottom = middle, after.bottom, middle
        new = KeyingEntry(batch_id=page.batch_id, page_id=page.id, position=position, top=top, bottom=bottom,
                          suggestion={}, status=EntryStatus.OPEN, fields={}, sources={}, created_by=_me(actor))
        s.add(new)
        s.flush()
        result.entry_id = new.id
    elif op == "merge":
        if following is None:
            raise InvalidRequest("Không có mục nào sau mục này để gộp.")
        if following.status == EntryStatus.ACCEPTED:
            raise Conflict("Mục sau đã được chấp nhận: không gộp được.")
        if after.top is not None and following.bottom is not None:
            after.bottom = following.bottom
        following.status = EntryStatus.DELETED
        following.keyings = []
        _remove_record(following, s, result)
    else:
        after.status = EntryStatus.DELETED
        _remove_record(after, s, result)
    audit(s, actor, "keying_entry", target=page.id, op=op, entry_id=entry_id, new_entry=result.entry_id,
          batch_id=page.batch_id)
    result.status = op
    return result


# -- after the transaction ------------------------------------------------------------------------------
def index(saved: Saved, ctx) -> None:
    """Send what an operation published to the search index and take out what it removed (after commit)."""
    from workers.stages import index_records

    if saved.published:
        index_records(saved.published, ctx)
    if saved.removed:
        ctx.index.delete(saved.removed)


# -- figures and the record page ------------------------------------------------------------------------
def clerk_figures(*, s: Session, batch_id: str | None = None) -> list[dict]:
    """Per clerk: entries keyed, entries an hour (from the time the station measured on each entry), agreement
    with the other keyer (double keying: fields equal / fields compared), and fields changed at arbitration."""
    q = select(KeyingEntry).options(selectinload(KeyingEntry.keyings)).where(KeyingEntry.status != EntryStatus.DELETED)
    if batch_id:
        q = q.where(KeyingEntry.batch_id == batch_id)
    per: dict[str, dict] = {}

    def row(name: str) -> dict:
        return per.setdefault(name, {"username": name, "entries": 0, "seconds": 0.0, "timed": 0, "compared": 0,
                                     "agreed": 0, "changed_at_arbitration": 0, "arbitrated": 0})

    for e in s.scalars(q):
        for k in e.keyings:
            r = row(k.username)
            r["entries"] += 1
            if k.seconds:
                r["seconds"] += k.seconds
                r["timed"] += 1
        if len(e.keyings) == 2 and e.status != EntryStatus.OPEN:
            a, b = e.keyings
            names = {*a.fields, *a.illegible, *b.fields, *b.illegible}
            same = sum(_value(a, n) == _value(b, n) for n in names)
            for k in (a, b):
                row(k.username)["compared"] += len(names)
                row(k.username)["agreed"] += same
        arbiters = {src.get("arbitrated_by") for src in e.sources.values() if src.get("arbitrated_by")}
        for name in arbiters:
            row(name)["arbitrated"] += 1
        for n, src in e.sources.items():
            if src.get("arbitrated_by"):
                final = ILLEGIBLE if src.get("illegible") else checks.comparable(n, e.fields.get(n, ""))
                for k in e.keyings:
                    if _value(k, n) != final:
                        row(k.username)["changed_at_arbitration"] += 1
    out = []
    for r in sorted(per.values(), key=lambda r: r["username"]):
        hours = r.pop("seconds") / 3600
        timed = r.pop("timed")
        r["entries_per_hour"] = round(timed / hours, 1) if hours else None
        r["agreement"] = round(r["agreed"] / r["compared"], 4) if r["compared"] else None
        out.append(r)
    return out


def keyed_by(record_id: str, *, s: Session) -> dict[str, dict] | None:
    """For a keyed record: field → {"keyed_by": [...], "arbitrated_by": ...}; None for any other record."""
    entry = s.scalar(select(KeyingEntry).where(KeyingEntry.record_id == record_id,
                                               KeyingEntry.status == EntryStatus.ACCEPTED))
    return dict(entry.sources) if entry else None



def memory(batch_id: str, name: str, actor: Actor, *, s: Session) -> tuple[list[str], str | None]:
    """(values of field ``name`` this clerk keyed in the book, and accepted ones, most frequent first; the book's
    province) for completions. Another keyer's values of entries still open are never offered."""
    from collections import Counter

    from .completion import province_of

    me = _me(actor)
    counts: Counter[str] = Counter()
    authority = None
    rows = s.execute(select(Keying.fields).join(KeyingEntry).where(KeyingEntry.batch_id == batch_id,
                                                                    Keying.username == me))
    for (values,) in rows:
        if isinstance(values.get(name), str):
            counts[values[name]] += 1
        authority = authority or values.get("registration_authority")
    for (values,) in s.execute(select(KeyingEntry.fields).where(KeyingEntry.batch_id == batch_id,
                                                                KeyingEntry.status == EntryStatus.ACCEPTED)):
        if isinstance(values.get(name), str):
            counts[values[name]] += 1
    batch = s.get(Batch, batch_id)
    return [v for v, _ in counts.most_common(50)], province_of((batch.authority if batch else None) or authority)
