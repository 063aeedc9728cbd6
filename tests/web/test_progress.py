"""The progress dashboard (per book, per year, per unit), a batch's page with its failed pages and how to retry
them: from the command line in embedded mode, with a "Thử lại" button that queues them in distributed mode."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Page, PageStatus
from workers.batches import report

from .conftest import csrf_of

REASON = "Nhận dạng trang này quá thời gian cho phép"


@pytest.fixture
def failed_page(app, installation):
    """The book's second page shown as failed (as an OCR timeout leaves it), put back afterwards."""
    ctx = app.state.sohoa.ctx
    with ctx.db.session() as s:
        page = s.scalar(select(Page).where(Page.batch_id == installation.batch_id, Page.seq == 2))
        page.status, page.error_code, page.reason = PageStatus.FAILED, "ocr_timeout", REASON
        page_id = page.id
    yield ctx
    with ctx.db.session() as s:
        page = s.get(Page, page_id)
        page.status, page.error_code, page.reason = PageStatus.DONE, None, None


@pytest.mark.parametrize("role", ["clerk", "officer", "admin"])
def test_progress_numbers_match_the_batch_report(client_for, installation, failed_page, role):
    data = client_for(role).get("/api/v1/progress").json()
    rep = report(installation.batch_id, failed_page)
    [row] = [b for b in data["batches"] if b["batch_id"] == installation.batch_id]
    assert (row["pages"], row["done"], row["failed"], row["records"], row["needs_review"]) == (
        rep["pages"], rep["status"]["done"], len(rep["failed"]), rep["records"], rep["needs_review"])
    assert row["pending"] == rep["status"]["pending"] + rep["status"]["running"] == 0
    assert (row["done"], row["failed"], row["percent"]) == (1, 1, 100)
    assert row["book"] == "01/1998"
    # Every record is counted once in each grouping, under its registration year and authority.
    for grouping in ("by_year", "by_unit"):
        assert sum(g["records"] for g in data[grouping]) == rep["records"]
        assert sum(g["needs_review"] for g in data[grouping]) == rep["needs_review"]
    years = {installation.truth[i]["registration_date"][:4] for i in range(2)}
    assert years <= {g["label"] for g in data["by_year"]}
    assert installation.truth[0]["registration_authority"] in {g["label"] for g in data["by_unit"]}


def test_progress_page_shows_books_years_and_units(client_for, installation):
    page = client_for("officer").get("/progress")
    assert page.status_code == 200
    for text in ("Tiến độ số hóa", "01/1998", "<progress", "Theo năm", "Theo đơn vị",
                 f'href="/batches/{installation.batch_id}"', installation.truth[0]["registration_date"][:4]):
        assert text in page.text
    assert 'href="/progress"' in page.text and 'href="/review"' not in page.text  # the officer's nav
    assert 'href="/review"' in client_for("clerk").get("/progress").text
    assert client_for("citizen").get("/progress").status_code == 403
    assert client_for("citizen").get("/api/v1/progress").status_code == 403


def test_embedded_batch_page_lists_failures_with_a_retry_button_not_a_command(client_for, installation,
                                                                             failed_page):
    clerk = client_for("clerk")
    page = clerk.get(f"/batches/{installation.batch_id}")
    assert page.status_code == 200
    # the server's own runner reads them again (capture.js posts /api/v1/batches/<id>/run): no terminal needed
    assert REASON in page.text and 'id="retry-all"' in page.text and "sohoa retry" not in page.text
    assert 'id="retry-all"' not in client_for("officer").get(f"/batches/{installation.batch_id}").text
    refused = clerk.post(f"/batches/{installation.batch_id}/retry", data={"csrf_token": csrf_of(page.text)})
    assert refused.status_code == 409 and "sohoa retry" in refused.text
    assert report(installation.batch_id, failed_page)["status"]["failed"] == 1  # nothing was reset
    assert clerk.get("/batches/khong-co-lo-nay").status_code == 404


def test_distributed_batch_page_queues_the_failed_pages(client_for, installation, failed_page, monkeypatch):
    import workers.celery_executor

    queued = []
    monkeypatch.setattr(workers.celery_executor, "requeue_failed", lambda batch_id, ctx: queued.append(batch_id) or 1)
    monkeypatch.setattr(failed_page.settings, "broker_url", "redis://queue.invalid:6379/0")
    officer, clerk = client_for("officer"), client_for("clerk")
    assert "Thử lại</button>" not in officer.get(f"/batches/{installation.batch_id}").text
    csrf = csrf_of(officer.get("/account").text)
    assert officer.post(f"/batches/{installation.batch_id}/retry", data={"csrf_token": csrf}).status_code == 403
    page = clerk.get(f"/batches/{installation.batch_id}")
    assert "Thử lại</button>" in page.text
    done = clerk.post(f"/batches/{installation.batch_id}/retry", data={"csrf_token": csrf_of(page.text)},
                      follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("?queued=1")
    assert queued == [installation.batch_id]
    assert "Đã đưa 1 trang vào hàng đợi" in clerk.get(done.headers["location"]).text
    entries = client_for("admin").get("/api/v1/audit", params={"action": "retry_batch"}).json()
    assert entries[0]["username"] == "clerk" and entries[0]["target"] == installation.batch_id


def test_requeue_failed_resets_and_queues_each_failed_page(installation, failed_page, monkeypatch):
    from workers.celery_executor import requeue_failed

    sent = []

    class Signature:
        def __init__(self, name, args=(), immutable=False):
            self.name, self.args, self.immutable = name, args, immutable

    class App:
        def signature(self, name, args=(), immutable=False):
            return Signature(name, args, immutable)

    class Chain:
        def __init__(self, *sigs):
            self.sigs = sigs

        def apply_async(self):
            sent.append([(s.name, s.args) for s in self.sigs])

    monkeypatch.setattr("workers.celery_executor.chain", Chain)
    assert requeue_failed(installation.batch_id, failed_page, app=App()) == 1
    [[(process, (page_id,)), (index, ()), (finalize, (batch,))]] = sent
    assert (process, index, finalize, batch) == ("sohoa.process_page", "sohoa.index_records",
                                                 "sohoa.finalize_batch", installation.batch_id)
    with failed_page.db.session() as s:
        assert s.get(Page, page_id).status == PageStatus.PENDING
