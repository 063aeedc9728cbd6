"""A register book's page numbers checked against each other once the batch is read (workers/page_numbers.py), on
an embedded database holding a book of five read pages, two entries a page."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Batch, Page, PageStatus, Record, RecordPage, SourceFileRow
from workers.page_numbers import check_page_numbers


@pytest.fixture
def book(tmp_path):
    """The pages' numbers as read: the third read 9 for 3, the fifth not read at all."""
    from domain.settings import Settings
    from workers import Context

    ctx = Context(Settings(home=tmp_path, database_url="", storage_url="", index_url="", broker_url=""))
    with ctx.db.session() as s:
        s.add(Batch(id="b1", record_type="birth", book="Sổ đăng ký khai sinh 2007"))
        s.flush()
        f = SourceFileRow(batch_id="b1", seq=1, name="so.pdf", sha256="ab" * 32, media_type="application/pdf",
                          size=1, page_count=5, object_key="originals/ab.pdf")
        s.add(f)
        s.flush()
        for n, number in enumerate(["1", "2", "9", "4", None], start=1):
            s.add(Page(id=f"p{n}", batch_id="b1", file_id=f.id, number=n, seq=n, status=PageStatus.DONE))
            for k in range(2):
                fields = {"registration_number": str(10 * n + k)} | ({"page_number": number} if number else {})
                record = Record(id=f"r{n}{k}", batch_id="b1", type="birth", fields=fields,
                                confidence={name: 0.95 for name in fields}, needs_review=False, indexed=True)
                record.pages.append(RecordPage(page_id=f"p{n}", ordinal=0))
                s.add(record)
    return ctx


def _state(ctx) -> tuple[dict, dict]:
    with ctx.db.session() as s:
        reasons = dict(s.execute(select(Page.id, Page.reason)).all())
        records = {r.id: (r.needs_review, r.confidence.get("page_number")) for r in s.scalars(select(Record))}
    return reasons, records


def test_a_page_number_its_neighbours_contradict_sends_its_entries_to_review_once(book):
    assert sorted(check_page_numbers("b1", book)) == ["r30", "r31"]
    reasons, records = _state(book)
    assert reasons["p3"] == "Số trang đọc được (9) không khớp với các trang bên cạnh (2 … 4): cần kiểm tra."
    assert [p for p, why in reasons.items() if why] == ["p3"]
    assert records["r30"] == records["r31"] == (True, 0.285)  # flagged, never rewritten
    assert all(records[r] == (False, 0.95) for r in ("r10", "r21", "r41"))
    with book.db.session() as s:  # a person confirms the page's number in review
        for r in s.scalars(select(Record).where(Record.id.in_(["r30", "r31"]))):
            r.needs_review, r.confidence = False, {**r.confidence, "page_number": 1.0}
    assert check_page_numbers("b1", book) == []  # the batch's next finish does not ask again
    assert _state(book)[1]["r30"] == (False, 1.0)


def test_a_page_typed_by_a_person_or_without_neighbours_to_agree_is_left_alone(book):
    with book.db.session() as s:
        s.get(Record, "r30").provenance = "keyed"
        s.get(Page, "p2").status = PageStatus.FAILED  # 1, –, 9, 4: the numbers either side still agree past it
    assert check_page_numbers("b1", book) == ["r31"]
    with book.db.session() as s:
        s.get(Page, "p3").reason = None
        s.get(Page, "p4").status = PageStatus.FAILED  # 1, –, 9, –, –: nothing after it to agree with
    assert check_page_numbers("b1", book) == []


def test_an_entry_cut_at_a_doubted_page_s_foot_stays_in_review_through_a_join_again(book):
    from workers.joining import apply_parts, part

    with book.db.session() as s:  # r31 ends page 3 cut: its own part is what page 3 read of it
        head = s.get(Record, "r31")
        head.fragment, head.parts = "head", {"own": part(head)}
    check_page_numbers("b1", book)
    with book.db.session() as s:  # page 4 re-read: the join recomputes the flag from the parts
        head = s.get(Record, "r31")
        head.parts = {**head.parts, "tail": {"fields": {"full_name": "Lê Văn An"}, "confidence": {"full_name": 0.99},
                                             "text": "Lê Văn An"}}
        apply_parts(head, book.settings.review_threshold)
    assert _state(book)[1]["r31"] == (True, 0.285)
