"""Citizens: the records carrying their personal ID, asking for a copy (a dossier an officer certifies), and
downloading the copies issued to them — and nothing of anyone else's."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from domain.errors import Conflict, InvalidRequest
from office.accounts import service as auth
from workers import Context

from .conftest import PASSWORD, csrf_of, login


def _citizen(app, installation, username: str, personal_id: str | None) -> TestClient:
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        auth.create_user(s, username, PASSWORD, "citizen", full_name="Công dân thử", personal_id=personal_id)
    ctx.close()
    client = TestClient(app)
    assert login(client, username).status_code == 303
    return client


def _csrf(client: TestClient) -> dict:
    return {"X-CSRF-Token": csrf_of(client.get("/account").text)}


@pytest.fixture(scope="module")
def holder(app, installation):
    """A citizen holding the personal ID printed on page 1 of the test book."""
    return _citizen(app, installation, "cd.trang1", installation.truth[0]["personal_id"])


def test_a_citizen_sees_the_records_carrying_their_number_and_no_other(holder, installation):
    me = holder.get("/api/v1/me/records").json()
    assert me["personal_id"] == installation.truth[0]["personal_id"]
    [record] = me["records"]
    assert record["type"] == "birth"
    assert record["title"].lower() == installation.truth[0]["full_name"].lower()
    page = holder.get("/cong-dan")
    assert page.status_code == 200 and "Giấy tờ của tôi" in page.text and record["record_id"] in page.text


def test_asking_for_a_copy_opens_a_dossier_an_officer_certifies_then_the_citizen_downloads_it(
        holder, client_for, installation, app):
    [record] = holder.get("/api/v1/me/records").json()["records"]
    asked = holder.post(f"/api/v1/me/records/{record['record_id']}/request", headers=_csrf(holder))
    assert asked.status_code == 201
    again = holder.post(f"/api/v1/me/records/{record['record_id']}/request", headers=_csrf(holder))
    assert again.json()["dossier_id"] == asked.json()["dossier_id"]  # one open request, not two

    officer = client_for("officer")
    dossier = officer.get(f"/api/v1/dossiers/{asked.json()['dossier_id']}").json()
    assert dossier["applicant_id"] == installation.truth[0]["personal_id"]
    [item] = dossier["items"]
    assert holder.get("/api/v1/me/records").json()["records"][0]["copies"] == []  # not certified yet
    officer.post(f"/api/v1/dossiers/{asked.json()['dossier_id']}/items/{item['item_id']}/copies",
                 headers={"X-CSRF-Token": csrf_of(officer.get("/account").text)}).raise_for_status()

    [copy] = holder.get("/api/v1/me/records").json()["records"][0]["copies"]
    pdf = holder.get(copy["download_url"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # Someone else — another citizen, or one without a number — gets "not found", not the copy.
    other = _citizen(app, installation, "cd.khac", "001099000001")
    assert other.get(copy["download_url"]).status_code == 404
    assert other.get(f"/api/v1/me/copies/{copy['copy_id']}/pdf").status_code == 404
    assert other.get("/api/v1/me/records").json()["records"] == []
    assert other.post(f"/api/v1/me/records/{record['record_id']}/request", headers=_csrf(other)).status_code == 404


def test_a_citizen_without_a_number_is_told_how_to_get_one(client_for):
    page = client_for("citizen").get("/cong-dan")
    assert page.status_code == 200 and "chưa gắn số định danh" in page.text


def test_citizen_pages_are_for_citizens_and_search_is_not(holder, client_for):
    assert holder.get("/api/v1/search?q=an").status_code == 403
    assert client_for("officer").get("/cong-dan").status_code == 403
    assert TestClient(holder.app).get("/api/v1/me/records").status_code == 401  # signed out


@pytest.mark.parametrize("role, number", [("officer", "079123456789"), ("citizen", "12345"),
                                          ("citizen", "07912345678x")])
def test_a_personal_id_is_twelve_digits_and_only_on_a_citizens_account(fresh, role, number):
    ctx = Context(fresh)
    with ctx.db.session() as s, pytest.raises((InvalidRequest, Conflict)):
        auth.create_user(s, f"x.{role}", PASSWORD, role, personal_id=number)
    ctx.close()
