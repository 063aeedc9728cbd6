"""Register books: several entries per page, an entry cut at a page's end joined with its rest — end to end on
the embedded default, and each piece alone."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.records import ExtractedRecord, RecordType
from ocr.metrics import field_matches
from ocr.register_table import join_entries, join_pages
from storage.models import Page, PageStatus, Record, RecordPage

# Seed 0: the birth register's page 1 ends with an entry cut after the lines that fit (samples/register_book.py).
SEED = 0


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    from samples import generate_book

    return generate_book(tmp_path_factory.mktemp("register"), record_type="birth", pages=2, seed=SEED,
                         degradation="clean", fmt="pdf", layout="register")


@pytest.fixture(scope="module")
def ingested(book, tmp_path_factory):
    from domain.settings import Settings
    from workers import Context, NoProgress, open_executor
    from workers.batches import BatchMeta, pages_to_run, register_batch

    settings = Settings(home=tmp_path_factory.mktemp("home"), workers=2, database_url="", storage_url="",
                        index_url="", broker_url="")
    ctx = Context(settings)
    batch_id = register_batch([book.path], BatchMeta(record_type="birth"), ctx).batch_id
    open_executor(ctx).run(batch_id, pages_to_run(batch_id, ctx), NoProgress())
    return ctx, batch_id


def _truth(book) -> list[dict]:
    return [r for page in book.pages for r in page["records"]]


def _records(ctx, batch_id) -> list[Record]:
    with ctx.db.session() as s:
        records = s.scalars(select(Record).where(Record.batch_id == batch_id)).all()
        for r in records:
            r.page_numbers = [rp.page.number for rp in r.pages]
        s.expunge_all()
        return records


def _by_number(records) -> dict[str, Record]:
    return {r.fields.get("registration_number"): r for r in records}


def _rate(got: dict, want: dict) -> float:
    return sum(field_matches(k, got.get(k), v) for k, v in want.items()) / len(want)


def test_generated_book_has_an_entry_cut_between_its_pages(book):
    cut = [r for r in _truth(book) if r["pages"] == [1, 2]]
    assert len(cut) == 1
    assert sum(1 for r in _truth(book) if r["pages"][0] == 1) >= 5


def test_every_entry_becomes_one_record(ingested, book):
    ctx, batch_id = ingested
    records = _records(ctx, batch_id)
    truth = _truth(book)
    assert len(records) == len(truth)
    assert not [r.id for r in records if r.fragment == "tail"], "a tail left unjoined"
    got = _by_number(records)
    assert set(got) == {t["fields"]["registration_number"] for t in truth}
    rates = [_rate(got[t["fields"]["registration_number"]].fields, t["fields"]) for t in truth]
    assert sum(rates) / len(rates) >= 0.95, rates  # clean print: nearly every field exact


def test_the_cut_entry_is_joined_across_both_pages(ingested, book):
    ctx, batch_id = ingested
    [cut] = [r for r in _truth(book) if r["pages"] == [1, 2]]
    record = _by_number(_records(ctx, batch_id))[cut["fields"]["registration_number"]]
    assert record.page_numbers == [1, 2]
    assert set(record.parts) == {"own", "tail"}
    # The values the cut split between the pages are whole again.
    assert _rate(record.fields, cut["fields"]) >= 0.9, (record.fields, cut["fields"])
    assert record.fields["page_number"] == "1" and record.fields["book_number"] == cut["fields"]["book_number"]


def test_the_joined_entry_is_found_by_what_was_printed_on_the_second_page(ingested, book):
    from index.base import SearchQuery

    ctx, _ = ingested
    [cut] = [r for r in _truth(book) if r["pages"] == [1, 2]]
    hits = ctx.index.search(SearchQuery(text=cut["fields"]["full_name"], fields={
        "place_of_birth": cut["fields"]["place_of_birth"].split(",")[-1]})).hits
    assert hits and hits[0].fields["registration_number"] == cut["fields"]["registration_number"]
    assert hits[0].source["pages"] == [1, 2]
    assert ctx.index.count() == len(_truth(book))


@pytest.mark.parametrize("which", [2, 1])
def test_re_reading_either_page_keeps_the_entry_joined(ingested, book, which):
    from workers import NoProgress, open_executor

    ctx, batch_id = ingested
    before = {r.id: (r.fields, r.page_numbers) for r in _records(ctx, batch_id)}
    with ctx.db.session() as s:
        page = s.scalars(select(Page).where(Page.batch_id == batch_id, Page.number == which)).one()
        page.status = PageStatus.PENDING
        page_id = page.id
    open_executor(ctx).run(batch_id, [page_id], NoProgress())
    after = {r.id: (r.fields, r.page_numbers) for r in _records(ctx, batch_id)}
    assert after == before
    assert ctx.index.count() == len(before)
    with ctx.db.session() as s:
        links = s.scalars(select(RecordPage).where(RecordPage.page_id == page_id)).all()
        assert sorted(rp.ordinal for rp in links).count(1) == (1 if which == 2 else 0)


# ---- the pieces, without OCR ----------------------------------------------------------------------------------
def _rec(fields, conf=0.9, **flags) -> ExtractedRecord:
    return ExtractedRecord(type=RecordType.BIRTH, fields=fields, confidence={k: conf for k in fields}, **flags)


def test_join_entries_continues_each_cell_and_keeps_the_heads_page_fields():
    head = _rec({"registration_number": "12", "full_name": "Nguyễn Thị", "place_of_birth": "Trạm Y tế xã An Phú,",
                 "page_number": "3", "book_number": "01/1999"}, continues=True)
    tail = _rec({"full_name": "Minh Khai", "place_of_birth": "huyện Phú Vang, tỉnh Thừa Thiên Huế",
                 "page_number": "4", "book_number": "01/1999"}, conf=0.5, continuation=True)
    joined = join_entries(head, tail)
    assert joined.fields["full_name"] == "Nguyễn Thị Minh Khai"
    assert joined.fields["place_of_birth"] == "Trạm Y tế xã An Phú, huyện Phú Vang, tỉnh Thừa Thiên Huế"
    assert joined.fields["page_number"] == "3"
    assert joined.confidence["full_name"] == 0.5  # the weaker part
    assert not joined.continues


def test_join_pages_joins_only_a_cut_entry_with_a_continuation():
    a = _rec({"registration_number": "1", "full_name": "Lê Văn"}, continues=True)
    b = _rec({"full_name": "An"}, continuation=True)
    c = _rec({"registration_number": "2", "full_name": "Trần Bình"})
    d = _rec({"registration_number": "3", "full_name": "Hồ Xuân"})  # page 3 starts a new entry: no join
    out = join_pages([[a], [b, c], [d]])
    assert [r.fields["full_name"] for r in out] == ["Lê Văn An", "Trần Bình", "Hồ Xuân"]


@pytest.mark.parametrize("kind", ["birth", "death", "marriage"])
def test_a_register_page_is_classified_by_its_title(kind):
    from ocr import guess_record_type
    from samples.register_book import register_pages

    page = next(register_pages(kind, 1, seed=3, degradation="clean"))
    assert guess_record_type(page.text) == RecordType(kind)


def test_a_head_page_re_read_without_its_cut_entry_gives_the_tail_back_then_joins_again(ingested, book, monkeypatch):
    """Nothing read is lost: when a re-read of page 1 no longer sees its last row as cut, the part joined from
    page 2 becomes a record of its own again; the next normal read joins them once more."""
    from workers import stages

    ctx, batch_id = ingested
    [cut] = [r for r in _truth(book) if r["pages"] == [1, 2]]
    with ctx.db.session() as s:
        page_id = s.scalars(select(Page.id).where(Page.batch_id == batch_id, Page.number == 1)).one()

    def re_read(extract=None) -> None:
        if extract:
            monkeypatch.setattr(stages, "extract_records", extract)
        with ctx.db.session() as s:
            s.get(Page, page_id).status = PageStatus.PENDING
        stages.process_page(page_id, ctx)
        stages.finalize_batch(batch_id, ctx)

    real = stages.extract_records

    def never_cut(page, record_type, **kw):
        records = real(page, record_type, **kw)
        for r in records:
            r.continues = False
        return records

    re_read(never_cut)
    records = _records(ctx, batch_id)
    assert len(records) == len(_truth(book)) + 1
    [tail] = [r for r in records if r.fragment == "tail"]
    assert tail.page_numbers == [2] and tail.fields  # the part printed on page 2, as read
    assert _by_number(records)[cut["fields"]["registration_number"]].page_numbers == [1]

    re_read(real)
    records = _records(ctx, batch_id)
    assert len(records) == len(_truth(book)) and not [r for r in records if r.fragment == "tail"]
    assert _by_number(records)[cut["fields"]["registration_number"]].page_numbers == [1, 2]
    assert ctx.index.count() == len(_truth(book))


@pytest.mark.parametrize("doubtful", [1, 2])
def test_an_entry_joined_across_a_doubtful_page_stays_in_review(ingested, book, monkeypatch, doubtful):
    """A page of a typed book that its type's check doubts (an administrative page: ``ocr.review_reason``) sends
    what it yields to review whatever the confidences; the entry cut across it and joined with its rest stays
    there, whichever of its two pages is the doubtful one and whichever is read again after, and leaves when a
    re-read no longer doubts it."""
    from office.records.review import queue
    from workers import stages

    ctx, batch_id = ingested
    [cut] = [r for r in _truth(book) if r["pages"] == [1, 2]]
    with ctx.db.session() as s:
        page_ids = dict(s.execute(select(Page.number, Page.id).where(Page.batch_id == batch_id)).all())

    def re_read(number: int, doubt: str | None) -> Record:
        monkeypatch.setattr(stages, "review_reason", lambda text: doubt)
        with ctx.db.session() as s:
            s.get(Page, page_ids[number]).status = PageStatus.PENDING
        stages.process_page(page_ids[number], ctx)
        stages.finalize_batch(batch_id, ctx)
        return _by_number(_records(ctx, batch_id))[cut["fields"]["registration_number"]]

    other = 3 - doubtful
    monkeypatch.setattr(ctx.settings, "review_threshold", 0.0)  # no value is doubtful by its confidence
    doubt = "Văn bản hành chính (thông báo) trong quyển khai sinh"
    joined = re_read(doubtful, doubt)
    assert joined.page_numbers == [1, 2] and joined.needs_review
    with ctx.db.session() as s:  # the review queue says why, whichever page doubts it
        assert {it["record_id"]: it["page_note"] for it in queue(0.0, s=s)["items"]}[joined.id] == doubt
    alone = [r for r in _records(ctx, batch_id) if doubtful not in r.page_numbers]
    assert alone and not any(r.needs_review for r in alone)
    joined = re_read(other, None)  # the join undone and made again from the other side
    assert joined.page_numbers == [1, 2] and joined.needs_review
    joined = re_read(doubtful, None)
    assert joined.page_numbers == [1, 2] and not joined.needs_review
    monkeypatch.undo()  # the module's threshold again, for the tests after
    re_read(doubtful, None)


@pytest.mark.parametrize("doubt", [None, "Văn bản hành chính (thông báo) trong quyển khai sinh"])
def test_a_tail_given_back_keeps_its_pages_doubt(ingested, doubt):
    """A part taken from the next page becomes a record of its own again when its head is gone
    (``release_tail``): in review when its page doubted what it yields, whatever the confidences."""
    from domain import ids
    from workers.joining import release_tail

    ctx, batch_id = ingested
    with ctx.db.session() as s:
        page_id = s.scalars(select(Page.id).where(Page.batch_id == batch_id, Page.number == 2)).one()
        rid = ids.record_id(page_id, 0)
        assert s.get(Record, rid) is None  # page 2's first row is joined to page 1's last: no record of its own
        tail = {"fields": {"full_name": "Minh Khai"}, "confidence": {"full_name": 0.99}, "text": "Minh Khai",
                "type": "birth", "page_id": page_id} | ({"doubt": doubt} if doubt else {})
        release_tail(s, batch_id, tail, review_threshold=0.5)
    with ctx.db.session() as s:
        released = s.get(Record, rid)
        assert released.fragment == "tail" and released.needs_review == (doubt is not None)
        s.delete(released)  # as the module left it, for the tests after
