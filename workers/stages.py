"""Pipeline stages: plain functions over ids and a context. Each is idempotent, so running one twice (a retry,
a resumed batch, a task delivered twice) stores and indexes its results once."""
from __future__ import annotations

import dataclasses
import io
import json
import logging
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path

from PIL import Image
from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload

from domain.errors import InputRejected, PageFailed, SohoaError
from domain.ids import record_id
from domain.records import RecordType
from index import IndexDoc
from ingest import page_jpeg, render_page
from ocr import (
    PageOcr,
    extract_records,
    guess_record_type,
    no_record_reason,
    ocr_page,
    review_reason,
    text_page,
    write_book,
)
from storage.models import Batch, Page, PageStatus, Record, RecordPage, SourceFileRow, utcnow

from .context import Context
from .joining import apply_parts, join_batch, part, release_tail, set_values, unjoin_page
from .linking import link_batch
from .page_numbers import check_page_numbers

log = logging.getLogger(__name__)


def _original_path(ctx: Context, file: SourceFileRow) -> Path:
    """The original on local disk, fetched once per process and file (a 500-page PDF is read 500 times)."""
    path = ctx.cache_dir / file.sha256
    if not path.exists():
        tmp = path.with_suffix(".part")
        ctx.store.download(file.object_key, tmp)
        tmp.replace(path)
    return path


def _flat(obj) -> dict:
    """A dataclass of plain values (a Word, a Mark) as a dict: ``dataclasses.asdict`` copies every value deeply,
    seven times as long over a page's words, for the same JSON."""
    return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}


def _encoded(image: Image.Image) -> bytes:
    """The page image as the JPEG the record pages show and exports take."""
    buf = io.BytesIO()
    # Encoded as it is when already grey or RGB (a convert to its own mode was a copy of the page).
    shown = image if image.mode in ("L", "RGB") else image.convert("L" if image.mode == "1" else "RGB")
    shown.save(buf, "JPEG", quality=85, optimize=True)
    return buf.getvalue()


def _words_json(page: PageOcr) -> bytes:
    return json.dumps(
        {
            "width": page.width,
            "height": page.height,
            "variant": page.variant,
            "rotation": page.rotation,
            "words": [_flat(w) for w in page.words],
            # Seals, stamps, signatures, handwriting set aside from the text (ocr.marks): the record page
            # shows them, the keying station can offer a handwritten number for keying.
            "marks": [_flat(m) for m in page.marks],
        },
        ensure_ascii=False,
    ).encode()


def claim_page(page_id: str, ctx: Context) -> Page | None:
    """Mark a page as running; None when it is already done (the work happened before)."""
    with ctx.db.session() as s:
        page = s.get(Page, page_id)
        if page is None or page.status == PageStatus.DONE:
            return None
        page.status = PageStatus.RUNNING
        page.attempts += 1
        page.worker = ctx.worker_name
        s.flush()
        s.expunge(page)
        return page


def fail_page(page_id: str, ctx: Context, code: str, reason: str) -> None:
    with ctx.db.session() as s:
        page = s.get(Page, page_id)
        if page is not None and page.status != PageStatus.DONE:
            page.status, page.error_code, page.reason = PageStatus.FAILED, code, reason


# Records whose values a person typed (the keying station, a keyed spreadsheet imported): a re-read of their page
# (a retry, a page fix) neither overwrites nor deletes them.
KEYED = frozenset({"keyed", "import"})


def process_page(page_id: str, ctx: Context) -> list[str]:
    """Render, OCR, extract and store one page. Returns the ids of the records it yields (to be indexed).

    Objects are written first and the database last, in one transaction: a crash anywhere leaves either the
    old state (the page is retried) or the new one, never a record that points at a missing object.
    """
    page = claim_page(page_id, ctx)
    if page is None:
        with ctx.db.session() as s:
            return list(s.scalars(select(RecordPage.record_id).where(RecordPage.page_id == page_id)))
    with ctx.db.session() as s:
        file = s.get(SourceFileRow, page.file_id)
        batch = s.get(Batch, page.batch_id)
        s.expunge_all()
    try:
        source = _original_path(ctx, file)
        image = render_page(source, file.media_type, page.number, ctx.settings, spreads=batch.spreads)
        result = ocr_page(image, ctx.settings, want_pdf=True)
    except (InputRejected, PageFailed) as exc:
        fail_page(page_id, ctx, exc.code, exc.message)
        return []

    jpeg = page_jpeg(source, file.media_type, page.number, ctx.settings, spreads=batch.spreads, size=image.size)
    jpeg = jpeg or _encoded(image)
    image_obj = ctx.store.put_bytes(jpeg, kind="page", suffix=".jpg")
    words_obj = ctx.store.put_bytes(_words_json(result), kind="words", suffix=".json")
    pdf_obj = ctx.store.put_bytes(
        text_page(result.pdf, result.words, image.size, result.rotation, result.angle), kind="pagepdf", suffix=".pdf"
    ) if result.pdf else None

    given = batch.record_type != "auto"
    record_type = RecordType(batch.record_type) if given else guess_record_type(result.text)
    extracted = extract_records(result, record_type) if record_type else []
    # A decision or letter filed in a book of the type the clerk chose is read as that type, never skipped;
    # its records all go to review, and the page says why.
    doubt = review_reason(result.text) if given else None

    threshold = ctx.settings.review_threshold
    with ctx.db.session() as s:
        row = s.get(Page, page_id, with_for_update=True)
        row.image_key, row.words_key = image_obj.key, words_obj.key
        row.pdf_key = pdf_obj.key if pdf_obj else None
        row.text, row.confidence, row.variant = result.text, result.confidence, result.variant
        row.width, row.height = result.width, result.height
        row.status, row.error_code = PageStatus.DONE, None
        row.reason = doubt if record_type else no_record_reason(result.text)
        unjoin_page(s, page_id, threshold)
        # The records this page yielded before (a re-read): whatever this read no longer yields goes.
        before = {r.id: r for r in s.scalars(
            select(Record).join(RecordPage).where(RecordPage.page_id == page_id, RecordPage.ordinal == 0))}
        # What heads of the earlier read took from the next page: this read's head (a page has at most one,
        # its last row) takes it over; if this read has none, it goes back to being a record of its own.
        taken = [r.parts["tail"] for r in before.values() if r.parts and "tail" in r.parts]
        ids = []
        for k, rec in enumerate(extracted):
            rid = record_id(page_id, k)
            record = before.get(rid) or s.get(Record, rid)
            if record is not None and record.provenance in KEYED:  # a person's typing outranks any re-read
                ids.append(rid)
                continue
            if record is None:
                record = Record(id=rid, batch_id=page.batch_id, pages=[RecordPage(page_id=page_id, ordinal=0)])
                s.add(record)
            record.type = rec.type.value
            record.fragment = "head" if rec.continues else "tail" if rec.continuation else None
            if record.fragment == "head":
                tail = taken.pop() if taken else None
                record.parts = {"own": part(rec, doubt)} | ({"tail": tail} if tail else {})
                apply_parts(record, threshold)
            else:
                record.parts = None
                record.pages = record.pages[:1]
                set_values(record, rec, threshold, doubt)
            record.indexed = False
            record.updated_at = utcnow()
            ids.append(rid)
        for tail in taken:
            release_tail(s, page.batch_id, tail, threshold)
        stale = [r for rid, r in before.items() if rid not in ids and r.provenance not in KEYED]
        for old in stale:
            s.delete(old)
    if stale:
        ctx.index.delete([r.id for r in stale])
    return ids


def source_of(record: Record) -> dict[str, object]:
    pages = [rp.page for rp in record.pages]
    file = pages[0].file if pages else None
    return {
        "batch_id": record.batch_id,
        "file": file.name if file else None,
        "pages": [p.number for p in pages],
        "sha256": file.sha256 if file else None,
    }


def prepare_index(ctx: Context) -> None:
    """The start-up step of every process that searches or writes the index: an index of an older schema was
    dropped when it was opened, so it is refilled from the database now, before any request or page.

    The refill runs in a child process (a fresh interpreter), which exits when it is done: a long-lived server
    never holds a whole archive's analyses nor the memory glibc keeps after them (after refilling 100,000 records
    itself a server started at 349 MiB and peaked at 479 under 20 officers; with the child 190 and 334, as when
    nothing is refilled: docs/benchmarks.md, officer_load, session 8). The index lives outside this process (a
    directory, Elasticsearch), so this process searches what the child wrote (Tantivy's shards are reloaded
    before each search); an index in memory (tests) is never reset."""
    index = ctx.index
    if getattr(index, "was_reset", False):
        _reindex_in_child(ctx, index)
        index.was_reset = False


def _reindex_in_child(ctx: Context, index) -> None:
    import multiprocessing

    log.warning("Chỉ mục tìm kiếm thuộc phiên bản cũ đã được bỏ đi; đang dựng lại từ cơ sở dữ liệu "
                "(một tiến trình riêng)…")
    # Spawned, not forked: a fresh interpreter rather than a copy of a server with threads and open handles. Not
    # daemonic, so that it may start the processes that build its documents (index.builders); the finally below
    # ends it if this process is interrupted while it waits.
    child = multiprocessing.get_context("spawn").Process(
        target=_reindex_child, args=(ctx.settings,), name="sohoa-reindex")
    done = False
    try:
        child.start()
        child.join()
        done = child.exitcode == 0
    finally:
        if child.is_alive():  # this process was interrupted while it waited
            child.terminate()
            child.join()
        if not done:
            # Part of the archive at most, under this schema's marker: the next start would not see it. The
            # index is marked outdated instead, so the next opening drops it and refills it again.
            try:
                index.mark_outdated()
            except SohoaError:  # the engine is what failed (Elasticsearch down): the error below says what to do
                log.exception("could not mark the search index outdated")
    if not done:
        raise SohoaError(
            "Không dựng lại được chỉ mục tìm kiếm từ cơ sở dữ liệu (tiến trình dựng lại dừng với mã "
            f"{child.exitcode}; lỗi được ghi ở trên). Sửa lỗi đó rồi chạy `sohoa reindex` trước khi khởi động lại.",
            code="reindex_failed")


def _reindex_child(settings) -> None:
    """The child of ``prepare_index``: the whole index refilled, then the process ends. The index's schema
    marker is already current (the parent rewrote it when it dropped the old index), so opening it here drops
    nothing."""
    import resource
    import time

    from .malloc import few_arenas

    few_arenas()  # as in the server: 438–451 MiB at the peak of 100,000 records instead of 529–596
    if not logging.getLogger().handlers:  # a fresh interpreter: the CLI's format, as the parent logs
        logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    started = last = time.monotonic()

    def progress(done: int, total: int) -> None:
        nonlocal last
        if time.monotonic() - last >= 30 and done < total:
            last = time.monotonic()
            log.warning("Đang dựng lại chỉ mục tìm kiếm: %d/%d hồ sơ", done, total)

    ctx = Context(settings)
    try:
        n = reindex_all(ctx, progress=progress)
    finally:
        ctx.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    log.warning("Đã dựng lại chỉ mục tìm kiếm: %d hồ sơ trong %.0f giây (tiến trình riêng, bộ nhớ đỉnh %.0f MiB)",
                n, time.monotonic() - started, peak)


def reindex_all(ctx: Context, index=None, chunk: int = 2000, *, resume: bool = False,
                progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the search index from the database (the index is derived data). Returns the records indexed.

    Records go in id order, a chunk at a time, each chunk marked ``indexed`` once the index has it: the
    checkpoint lives in the database. ``resume=True`` goes on from the first record not marked (after an
    interruption) instead of starting over. ``progress(done, total)`` is called after each chunk."""
    if resume and getattr(index or ctx.index, "was_reset", False):
        resume = False  # an index of an older schema was dropped on opening: the marks describe an index now gone
    with ctx.db.session() as s:
        total = s.scalar(select(func.count()).select_from(Record)) or 0
        if resume:
            start = s.scalar(select(func.min(Record.id)).where(Record.indexed.is_(False)))
            done = total if start is None else s.scalar(select(func.count()).where(Record.id < start)) or 0
        else:
            s.execute(update(Record).values(indexed=False))
            start, done = "", 0
    if start is None:
        return 0

    def chunk_after(condition) -> list[str]:
        with ctx.db.session() as s:  # keyset paging by primary key: no list of a million ids in memory
            return list(s.scalars(select(Record.id).where(condition).order_by(Record.id).limit(chunk)))

    n = 0
    target = index or ctx.index
    # The next chunk is read from the database while this one is analysed and indexed: on a 100,000-record
    # archive the reads are a third of the rebuild, and the index's side mostly waits on its build processes.
    with target.bulk(), ThreadPoolExecutor(1, thread_name_prefix="reindex-read") as reader:
        ids = chunk_after(Record.id >= start)
        loading = reader.submit(_index_docs, ids, ctx) if ids else None
        while loading is not None:
            docs = loading.result()
            following = chunk_after(Record.id > ids[-1])
            loading = reader.submit(_index_docs, following, ctx) if following else None
            n += _index_and_mark(docs, ctx, target)
            done += len(ids)
            if progress:
                progress(min(done, total), total)
            ids = following
    return n


def _index_docs(record_ids: list[str], ctx: Context) -> list[IndexDoc]:
    with ctx.db.session() as s:
        # Pages and files in two batched queries, not two lazy loads per record (source_of walks them).
        records = s.scalars(select(Record).where(Record.id.in_(record_ids)).options(
            selectinload(Record.pages).selectinload(RecordPage.page).selectinload(Page.file))).all()
        return [IndexDoc(r.id, r.type, r.fields, batch_id=r.batch_id, source=source_of(r), status=r.status)
                for r in records]


def _index_and_mark(docs: list[IndexDoc], ctx: Context, index) -> int:
    n = index.upsert(docs)
    with ctx.db.session() as s:
        s.execute(update(Record).where(Record.id.in_([d.record_id for d in docs])).values(indexed=True))
    return n


def index_records(record_ids: list[str], ctx: Context, index=None) -> int:
    """Send records to the search index and mark them indexed. Safe to repeat: the index upserts by id.

    Another process may change or delete these records while they are being sent: on Celery a page's index task
    can still be running when the batch's finalize, on another worker, joins the entry cut between two pages
    (the tail record deleted, the head rewritten; in two full-suite runs a register test's index never came to
    hold one document per entry).
    So the records are read once more after the upsert and the index is put right: whatever the order, the last
    look at the database decides."""
    if not record_ids:
        return 0
    index = index or ctx.index
    sent = _index_docs(record_ids, ctx)
    n = _index_and_mark(sent, ctx, index)
    now = {d.record_id: d for d in _index_docs([d.record_id for d in sent], ctx)}
    if gone := [d.record_id for d in sent if d.record_id not in now]:
        index.delete(gone)
    if changed := [now[d.record_id] for d in sent if d.record_id in now and now[d.record_id] != d]:
        index.upsert(changed)
    return n


def _book_pdf(pages: list[tuple[str, str]], ctx: Context) -> str:
    """The book's PDF from its pages' (text page, scan) keys, stored; returns its key. Written to a file in parts
    (``ocr.write_book``: memory stays a part's whatever the book's length) and stored from the file."""
    get = ctx.store.get_bytes
    with tempfile.TemporaryDirectory(prefix="sohoa-book-", dir=ctx.cache_dir) as tmp:
        path = Path(tmp) / "book.pdf"
        write_book([(partial(get, key), partial(get, image_key)) for key, image_key in pages], path)
        return ctx.store.put_file(path, kind="book", suffix=".pdf").key


def finalize_batch(batch_id: str, ctx: Context) -> str | None:
    """When no page is left to do: index stragglers and assemble the book's searchable PDF. Returns its key."""
    with ctx.db.session() as s:
        pages = s.scalars(select(Page).where(Page.batch_id == batch_id).order_by(Page.seq)).all()
        if any(p.status in (PageStatus.PENDING, PageStatus.RUNNING) for p in pages):
            return None
        pdf_keys = [(p.pdf_key, p.image_key) for p in pages if p.status == PageStatus.DONE and p.pdf_key]
    join_batch(batch_id, ctx)
    check_page_numbers(batch_id, ctx)
    with ctx.db.session() as s:
        unindexed = list(s.scalars(select(Record.id).where(Record.batch_id == batch_id, Record.indexed.is_(False))))
    index_records(unindexed, ctx)
    link_batch(batch_id, ctx)
    pdf_key = _book_pdf(pdf_keys, ctx) if pdf_keys else None
    with ctx.db.session() as s:
        batch = s.get(Batch, batch_id)
        batch.pdf_key, batch.finished_at = pdf_key, utcnow()
    return pdf_key
