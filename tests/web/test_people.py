"""Records of one person: a birth linked to the marriage and death of the same person, likely duplicates
flagged, officers confirming or rejecting links (audited, CSRF), the person view, API parity; record versions
(status with a reason, "thay thế cho / được thay thế bởi")."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from storage.audit_models import AuditEntry
from storage.models import Batch, Record
from storage.person_models import LinkKind, LinkStatus, PersonLink
from workers import Context
from workers.linking import DUPLICATE_AT, SUGGEST_AT, Person, score

from .conftest import add_users, csrf_of, login, make_settings

MAI_ANH = {"full_name": "Nguyễn Thị Mai Anh", "date_of_birth": "1990-04-12", "gender": "female",
           "father_name": "Nguyễn Văn Hùng", "mother_name": "Lê Thị Hoa",
           "place_of_birth": "xã Hòa Liên, huyện Hòa Vang, thành phố Đà Nẵng", "registration_number": "12"}
RECORDS = {
    "b1": ("birth", MAI_ANH),
    # The same birth registered again, with one letter read differently: a likely duplicate.
    "b2": ("birth", {**MAI_ANH, "full_name": "Nguyễn Thị Mai Ánh", "registration_number": "97"}),
    # Same name and year, another person: other parents, another day.
    "b3": ("birth", {**MAI_ANH, "date_of_birth": "1990-09-30", "father_name": "Phạm Văn Tư",
                     "mother_name": "Đỗ Thị Lan", "place_of_birth": "xã Tân Phú"}),
    "m1": ("marriage", {"husband_name": "Trần Quốc Bảo", "husband_date_of_birth": "1988-01-02",
                        "wife_name": "Nguyễn Thị Mai Anh", "wife_date_of_birth": "1990-04-12",
                        "wife_residence": "phường Liên Chiểu, thành phố Đà Nẵng", "registration_date": "2014-05-20"}),
    "d1": ("death", {"full_name": "Nguyen Thi Mai Anh", "date_of_birth": "1990-04-12", "gender": "female",
                     "date_of_death": "2023-11-02"}),
}


@dataclass
class People:
    settings: object
    app: object


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> People:
    from workers.stages import finalize_batch

    settings = make_settings(tmp_path_factory.mktemp("people"))
    ctx = Context(settings)
    with ctx.db.session() as s:
        s.add(Batch(id="P1", record_type="auto", book="01/2024"))
        s.flush()
        for rid, (rtype, fields) in RECORDS.items():
            s.add(Record(id=rid, batch_id="P1", type=rtype, fields=fields, confidence={}))
    finalize_batch("P1", ctx)  # indexes the batch, then links its records
    ctx.close()
    add_users(settings)
    return People(settings, create_app(settings))


@pytest.fixture
def client(people):
    clients = []

    def make(role: str) -> TestClient:
        c = TestClient(people.app)
        clients.append(c)
        assert login(c, role).status_code == 303
        return c

    yield make
    for c in clients:
        c.close()


def _links(settings) -> dict[tuple[str, str, str], PersonLink]:
    ctx = Context(settings)
    with ctx.db.session() as s:
        found = {(lk.record_a, lk.record_b, lk.kind): lk for lk in s.scalars(select(PersonLink))}
    ctx.close()
    return found


def test_scores():
    a = Person("x", "birth", None, "Nguyễn Thị Mai Anh", "1990-04-12", "female", "Nguyễn Văn Hùng", "Lê Thị Hoa")
    same = Person("y", "death", None, "NGUYEN THI MAI ANH", "1990-04-12", "female")
    assert score(a, same) >= DUPLICATE_AT
    assert score(a, Person("y", "death", None, a.name, a.dob, "male")) == 0.0  # another gender
    assert score(a, Person("y", "death", None, a.name, "1990-09-30", "female")) < SUGGEST_AT  # another day
    assert SUGGEST_AT <= score(a, Person("y", "death", None, a.name, "", "female")) <= 0.8  # a name alone


def test_finalizing_a_batch_suggests_links_and_flags_duplicates(people):
    links = _links(people.settings)
    assert links[("b1", "m1", LinkKind.BIRTH_MARRIAGE)].role == "wife"
    assert ("b1", "d1", LinkKind.BIRTH_DEATH) in links
    assert links[("b1", "b2", LinkKind.DUPLICATE)].score >= DUPLICATE_AT
    assert all("b3" not in key[:2] for key in links)  # same name and year, another person
    assert all(lk.status == LinkStatus.SUGGESTED and 0 <= lk.score <= 1 for lk in links.values())


def test_record_page_lists_related_records_and_officers_decide(people, client):
    officer, clerk = client("officer"), client("clerk")
    page = officer.get("/records/b1?purpose=verification").text
    assert "Hồ sơ liên quan" in page and "Trần Quốc Bảo" in page and "/records/d1" in page
    assert 'value="confirmed"' in page and "%" in page
    assert 'value="confirmed"' not in clerk.get("/records/b1?purpose=verification").text  # sees, does not decide
    link_id = _links(people.settings)[("b1", "m1", LinkKind.BIRTH_MARRIAGE)].id
    assert officer.post(f"/records/b1/links/{link_id}", data={"decision": "confirmed"},
                        follow_redirects=False).status_code == 403  # no CSRF token
    done = officer.post(f"/records/b1/links/{link_id}", data={"decision": "confirmed", "csrf_token": csrf_of(page)},
                        follow_redirects=False)
    assert done.status_code == 303
    link = _links(people.settings)[("b1", "m1", LinkKind.BIRTH_MARRIAGE)]
    assert link.status == LinkStatus.CONFIRMED and link.decided_by == "officer" and link.decided_at
    ctx = Context(people.settings)
    with ctx.db.session() as s:
        entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "link_decision"))
        assert entry.username == "officer" and entry.detail["link_id"] == link_id
    ctx.close()
    assert clerk.post(f"/records/b1/links/{link_id}", data={"decision": "rejected",
                      "csrf_token": csrf_of(clerk.get("/records/b1?purpose=verification").text)}).status_code == 403


def test_person_view_lists_birth_marriage_and_death(people, client):
    officer = client("officer")
    page = officer.get("/people/m1")
    assert page.status_code == 200
    # The duplicate birth is linked to the marriage too; the namesake b3 is not.
    assert page.text.count('class="person-record"') == 4 and "/records/b3" not in page.text
    view = officer.get("/api/v1/people/m1").json()
    assert {k: sorted(r["record_id"] for r in v) for k, v in view["records"].items()} == {
        "birth": ["b1", "b2"], "marriage": ["m1"], "death": ["d1"]}
    from_birth = officer.get("/api/v1/people/b1").json()
    assert [d["record_id"] for d in from_birth["duplicates"]] == ["b2"]  # reached as a duplicate first
    assert "Có thể trùng lặp" in officer.get("/people/b1").text
    # Rejected: d1 leaves the person's records.
    d1 = _links(people.settings)[("b1", "d1", LinkKind.BIRTH_DEATH)].id
    token = {"X-CSRF-Token": csrf_of(officer.get("/records/b1?purpose=verification").text)}
    assert officer.post(f"/api/v1/links/{d1}/decision", json={"decision": "rejected"}, headers=token).json()[
        "status"] == "rejected"
    assert officer.get("/api/v1/people/b1").json()["records"]["death"] == []
    assert officer.get("/people/khong-co").status_code == 404


def test_search_results_flag_likely_duplicates(people, client):
    officer = client("officer")
    hits = {h["record_id"]: h for h in officer.get("/api/v1/search", params={"q": "mai anh"}).json()["hits"]}
    assert hits["b1"]["duplicates"] == ["b2"] and hits["b2"]["duplicates"] == ["b1"] and hits["b3"]["duplicates"] == []
    assert "Có thể trùng lặp với" in officer.get("/", params={"q": "mai anh"}).text


def test_api_parity_and_openapi(people, client):
    officer, clerk = client("officer"), client("clerk")
    links = officer.get("/api/v1/records/b1/links").json()
    assert {(lk["record_id"], lk["kind"]) for lk in links} >= {("m1", "birth_marriage"), ("d1", "birth_death"),
                                                               ("b2", "duplicate")}
    assert all({"link_id", "score", "status", "record_status", "title"} <= lk.keys() for lk in links)
    token = {"X-CSRF-Token": csrf_of(clerk.get("/records/b1?purpose=verification").text)}
    refused = clerk.post(f"/api/v1/links/{links[0]['link_id']}/decision", json={"decision": "confirmed"}, headers=token)
    assert refused.status_code == 403
    bad = officer.post(f"/api/v1/links/{links[0]['link_id']}/decision", json={"decision": "maybe"},
                       headers={"X-CSRF-Token": csrf_of(officer.get("/records/b1?purpose=verification").text)})
    assert bad.status_code == 422
    paths = officer.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/records/{record_id}/links", "/api/v1/links/{link_id}/decision", "/api/v1/people/{record_id}",
            "/api/v1/records/{record_id}/status"} <= paths.keys()


def test_record_versions_status_and_replacement(people, client):
    clerk, officer = client("clerk"), client("officer")  # status changes: officers, not clerks
    page = officer.get("/records/b2?purpose=verification").text
    assert 'action="/records/b2/status"' in page
    assert 'action="/records/b2/status"' not in clerk.get("/records/b2?purpose=verification").text
    form = {"status": "superseded", "reason": "Đăng ký lại, trùng với số 12", "replaced_by": "b1",
            "csrf_token": csrf_of(page)}
    assert officer.post("/records/b2/status", data=form, follow_redirects=False).status_code == 303
    old = officer.get("/api/v1/records/b2?purpose=verification").json()
    new = officer.get("/api/v1/records/b1?purpose=verification").json()
    assert old["status"] == "superseded" and old["versions"]["status_reason"] == form["reason"]
    assert [v["record_id"] for v in old["versions"]["superseded_by"]] == ["b1"]
    assert new["versions"]["supersedes"]["record_id"] == "b2"
    assert "Được thay thế bởi" in officer.get("/records/b2?purpose=verification").text
    assert "Thay thế cho" in officer.get("/records/b1?purpose=verification").text
    # API: the same permission; a reason is required; the change is audited.
    headers = {"X-CSRF-Token": csrf_of(clerk.get("/records/b3?purpose=verification").text)}
    assert clerk.post("/api/v1/records/b3/status", json={"status": "revoked", "reason": "x"},
                        headers=headers).status_code == 403
    headers = {"X-CSRF-Token": csrf_of(officer.get("/records/b3?purpose=verification").text)}
    assert officer.post("/api/v1/records/b3/status", json={"status": "revoked", "reason": ""},
                      headers=headers).status_code == 422
    assert officer.post("/api/v1/records/b3/status", json={"status": "amended", "reason": "Cải chính ngày sinh"},
                      headers=headers).json()["status"] == "amended"
    ctx = Context(people.settings)
    with ctx.db.session() as s:
        actions = [(e.target, e.detail.get("status")) for e in s.scalars(
            select(AuditEntry).where(AuditEntry.action == "record_status").order_by(AuditEntry.id))]
    ctx.close()
    assert actions == [("b2", "superseded"), ("b3", "amended")]


def test_cli_links_on_demand(people, monkeypatch):
    from typer.testing import CliRunner

    from api.cli import app

    monkeypatch.setenv("SOHOA_HOME", str(people.settings.home))
    monkeypatch.setenv("SOHOA_PUBLIC_URL", "http://testserver")
    result = CliRunner().invoke(app, ["link", "--all", "--json"])
    assert result.exit_code == 0, result.output
    assert '"records": 5' in result.output
    assert CliRunner().invoke(app, ["link"]).exit_code != 0
    # Officers' decisions survive a re-run.
    statuses = {key: lk.status for key, lk in _links(people.settings).items()}
    assert statuses[("b1", "d1", LinkKind.BIRTH_DEATH)] == LinkStatus.REJECTED
