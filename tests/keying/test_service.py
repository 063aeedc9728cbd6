"""The keying service on a real OCR'd register page, SQLite and Tantivy: entries per row with confident OCR
values as suggestions, blind double keying, arbitration by a third clerk, single keying with review, entries
added / split / merged / deleted, published records found by search, the audit trail and per-clerk figures."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from domain.errors import Conflict, Forbidden
from index import SearchQuery
from office.keying import service
from office.keying.models import EntryStatus, KeyingEntry
from office.records.review import FieldErrors
from storage.audit_models import AuditEntry
from storage.models import Record

from .conftest import clerk

A, B, C = clerk("keyer_a"), clerk("keyer_b"), clerk("arbiter_c")


def _new_entry(book) -> int:
    with book.ctx.db.session() as s:
        return service.change_entries("add", A, s=s, page_id=book.page_id).entry_id


def _typed(fields: dict) -> dict[str, str]:
    """Ground truth as a clerk types it: dates in figures, the gender in Vietnamese."""
    out = {}
    for k, v in fields.items():
        if k in ("date_of_birth", "registration_date"):
            y, m, d = v.split("-")
            v = f"{d}/{m}/{y}"
        out[k] = {"male": "Nam", "female": "Nữ"}.get(v, v)
    return out


def _save(book, actor, entry_id, values, **kw):
    with book.ctx.db.session() as s:
        saved = service.save_keying(entry_id, values, actor, s=s, **kw)
    service.index(saved, book.ctx)
    return saved


def _search(book, text: str) -> list[str]:
    return [h.record_id for h in book.ctx.index.search(SearchQuery(text=text)).hits]


def test_opening_a_page_makes_one_entry_per_row_with_confident_suggestions(book):
    with book.ctx.db.session() as s:
        view = service.station(book.batch_id, 1, A, s=s, store=book.ctx.store,
                               threshold=book.ctx.settings.review_threshold)
    entries = view["entries"]
    assert len(entries) >= len(book.truth) - 1  # one per row OCR found (a printed page: all of them)
    assert all(0 <= e["top"] < e["bottom"] <= 1 for e in entries)
    assert [e["top"] for e in entries] == sorted(e["top"] for e in entries)
    assert view["fields"][:3] == ["book_number", "page_number", "registration_authority"]
    assert {"registration_number", "full_name", "place_of_birth"} <= set(view["fields"])
    # Suggestions are the OCR record's own values at or above the threshold.
    with book.ctx.db.session() as s:
        sources = {e.id: s.get(Record, e.source_record_id)
                   for e in s.scalars(select(KeyingEntry)) if e.source_record_id}
    threshold = book.ctx.settings.review_threshold
    for e in entries:
        rec = sources.get(e["id"])
        for k in e["suggestion"]:
            assert rec is not None and rec.confidence[k] >= threshold and rec.fields[k] == e["suggestion"][k]
    assert sum(bool(e["suggestion"]) for e in entries) >= len(entries) // 2


def test_blind_double_keying_and_arbitration_publish_a_searchable_keyed_record(book):
    truth = book.truth[0]
    entry_id = _new_entry(book)
    first = _save(book, A, entry_id, _typed(truth), keystrokes=120, seconds=40)
    assert first.status == EntryStatus.OPEN and not first.published
    # The second keyer is never shown the first one's values.
    with book.ctx.db.session() as s:
        view = service.station(book.batch_id, 1, B, s=s, store=book.ctx.store, threshold=0.8)
    mine = next(e for e in view["entries"] if e["id"] == entry_id)
    assert mine["mine"] is None and mine["can_key"] and truth["full_name"] not in str(mine)
    wrong = _typed(truth) | {"mother_name": "TRẦN THỊ SAI"}
    second = _save(book, B, entry_id, wrong, keystrokes=110, seconds=38)
    assert second.status == EntryStatus.ARBITRATION and not second.published
    assert _search(book, "TRẦN THỊ SAI") == []
    # A third clerk could key nothing more; the keyers may not settle their own entry.
    with book.ctx.db.session() as s, pytest.raises(Conflict):
        service.save_keying(entry_id, _typed(truth), C, s=s)
    with book.ctx.db.session() as s, pytest.raises(Forbidden):
        service.arbitrate(entry_id, {"mother_name": truth["mother_name"]}, B, s=s)
    with book.ctx.db.session() as s:
        seen = service.arbitration_view(entry_id, C, s=s)
    assert [o["field"] for o in seen["open"]] == ["mother_name"]
    assert {v["value"] for v in seen["open"][0]["values"]} == {truth["mother_name"], "TRẦN THỊ SAI"}
    with book.ctx.db.session() as s, pytest.raises(FieldErrors):
        service.arbitrate(entry_id, {}, C, s=s)  # the open field must be settled
    with book.ctx.db.session() as s:
        done = service.arbitrate(entry_id, {"mother_name": truth["mother_name"]}, C, s=s)
    service.index(done, book.ctx)
    rid = done.published[0]
    with book.ctx.db.session() as s:
        record = s.get(Record, rid)
        assert record.provenance == "keyed" and not record.needs_review
        assert record.fields["mother_name"] == truth["mother_name"]
        assert record.fields["date_of_birth"] == truth["date_of_birth"] and record.fields["gender"] == truth["gender"]
        sources = service.keyed_by(rid, s=s)
        assert sources["mother_name"]["arbitrated_by"] == "arbiter_c"
        assert sources["full_name"] == {"keyed_by": ["keyer_a", "keyer_b"], "arbitrated_by": None, "illegible": False}
        actions = [e.action for e in s.scalars(select(AuditEntry).where(AuditEntry.username.in_(
            ["keyer_a", "keyer_b", "arbiter_c"])))]
    assert {"keying_save", "keying_arbitrate", "keying_accept"} <= set(actions)
    assert rid in _search(book, truth["mother_name"])


def test_equal_keyings_are_accepted_without_arbitration(book):
    truth = book.truth[1]
    entry_id = _new_entry(book)
    _save(book, A, entry_id, _typed(truth))
    # Spacing and composition differ, the values do not.
    import unicodedata
    spaced = {k: "  " + unicodedata.normalize("NFD", v).replace(" ", "   ") for k, v in _typed(truth).items()}
    done = _save(book, B, entry_id, spaced)
    assert done.status == EntryStatus.ACCEPTED and done.published
    assert done.published[0] in _search(book, truth["full_name"])


def test_illegible_fields_agree_and_are_noted(book):
    truth = book.truth[2]
    entry_id = _new_entry(book)
    typed = {k: v for k, v in _typed(truth).items() if k != "place_of_birth"}
    _save(book, A, entry_id, typed, illegible=["place_of_birth"])
    done = _save(book, B, entry_id, typed, illegible=["place_of_birth"])
    assert done.status == EntryStatus.ACCEPTED
    with book.ctx.db.session() as s:
        record = s.get(Record, done.published[0])
    assert "place_of_birth" not in record.fields and "Nơi sinh" in record.notes


def test_values_that_cannot_be_right_are_refused_with_vietnamese_messages(book):
    entry_id = _new_entry(book)
    with book.ctx.db.session() as s, pytest.raises(FieldErrors) as err:
        service.save_keying(entry_id, {"date_of_birth": "31/02/2020", "gender": "x", "wife_name": "A"}, A, s=s)
    assert set(err.value.errors) == {"date_of_birth", "gender", "wife_name"}
    assert "Ngày không hợp lệ" in err.value.errors["date_of_birth"]
    saved = _save(book, A, entry_id, {"date_of_birth": "05032021", "registration_date": "01/01/2021",
                                      "personal_id": "051219844132"})  # born 2019 says the ID
    assert "registration_date" in saved.warnings and "personal_id" in saved.warnings


def test_single_keying_goes_to_a_reviewer(book):
    import tempfile
    from pathlib import Path

    from office.keying.models import KeyingMode
    from samples import generate_book
    from workers.batches import BatchMeta, register_batch

    # A book of its own (a book's mode is fixed once keying starts).
    sample = generate_book(Path(tempfile.mkdtemp(dir=book.ctx.settings.home)), record_type="birth", pages=1,
                           seed=9, degradation="clean", fmt="png", layout="register")
    reg = register_batch(sample.paths, BatchMeta(record_type="birth"), book.ctx)
    with book.ctx.db.session() as s:
        service.set_mode(reg.batch_id, KeyingMode.SINGLE, C, s=s)
        from storage.models import Page
        page_id = s.scalar(select(Page.id).where(Page.batch_id == reg.batch_id))
        entry_id = service.change_entries("add", A, s=s, page_id=page_id).entry_id
    saved = _save(book, A, entry_id, {"full_name": "LÊ VĂN MỘT", "registration_number": "7"})
    assert saved.status == EntryStatus.REVIEW
    with book.ctx.db.session() as s, pytest.raises(Conflict):
        service.set_mode(reg.batch_id, KeyingMode.DOUBLE, C, s=s)
    with book.ctx.db.session() as s:
        assert [o["field"] for o in service.arbitration_view(entry_id, C, s=s)["open"]] == [
            "full_name", "registration_number"]
        done = service.arbitrate(entry_id, {"full_name": "LÊ VĂN MỘ"}, C, s=s)  # the reviewer corrects one field
    with book.ctx.db.session() as s:
        record = s.get(Record, done.published[0])
        assert record.fields == {"full_name": "LÊ VĂN MỘ", "registration_number": "7"}
        figures = {f["username"]: f for f in service.clerk_figures(s=s, batch_id=reg.batch_id)}
    assert figures["keyer_a"]["changed_at_arbitration"] == 1 and figures["arbiter_c"]["arbitrated"] == 1


def test_entries_are_added_split_merged_and_deleted(book):
    with book.ctx.db.session() as s:
        first = s.scalars(select(KeyingEntry).where(KeyingEntry.page_id == book.page_id,
                                                    KeyingEntry.source_record_id.is_not(None))
                          .order_by(KeyingEntry.position)).first()
        top, bottom, source = first.top, first.bottom, first.source_record_id
        split = service.change_entries("split", A, s=s, entry_id=first.id)
        new = s.get(KeyingEntry, split.entry_id)
        assert first.bottom == new.top and new.bottom == bottom and first.top == top
        service.change_entries("merge", A, s=s, entry_id=first.id)
        assert s.get(KeyingEntry, new.id).status == EntryStatus.DELETED and first.bottom == bottom
        deleted = service.change_entries("delete", A, s=s, entry_id=first.id)
    service.index(deleted, book.ctx)
    assert deleted.removed == [source]
    with book.ctx.db.session() as s:
        assert s.get(Record, source) is None
        view = service.station(book.batch_id, 1, A, s=s, store=book.ctx.store, threshold=0.8)
    assert first.id not in [e["id"] for e in view["entries"]]


def test_clerk_figures(book):
    with book.ctx.db.session() as s:
        figures = {f["username"]: f for f in service.clerk_figures(s=s, batch_id=book.batch_id)}
    a = figures["keyer_a"]
    assert a["entries"] >= 3 and a["entries_per_hour"] == pytest.approx(3600 / 40)
    assert 0 < a["agreement"] < 1  # one field differed on one entry
    assert figures["keyer_b"]["changed_at_arbitration"] >= 1 and figures["keyer_a"]["changed_at_arbitration"] == 0
