"""The search page and API (one box, filters, facets, highlighted snippets, crops) and the record page."""
from __future__ import annotations

import io
import re

from PIL import Image

from api import routes_search
from api.routes_search import highlight, snippets
from domain.personal_id import masked
from domain.text import fold
from index import base as index_base


def test_highlight_marks_words_ignoring_diacritics_and_escapes_html():
    assert str(highlight("Nguyễn Văn An", ["nguyen", "an"])) == "<mark>Nguyễn</mark> Văn <mark>An</mark>"
    assert str(highlight("Đặng <b>Thị</b>", ["dang"])) == "<mark>Đặng</mark> &lt;b&gt;Thị&lt;/b&gt;"
    # One OCR-like wrong letter still marks, but not where the term is matched exactly elsewhere.
    assert "<mark>Hoàng</mark>" in str(highlight("Hoàng", ["hoanh"]))
    found = snippets({"full_name": "Lê Văn Hải", "father_name": "Lê Văn Mai"}, ["le", "hai"])
    assert list(found)[0] == "full_name" and "<mark>Mai</mark>" not in str(found["father_name"])
    # Near-misses are marked where the index forgives them, in names and places, not in the ethnicity.
    found = snippets({"full_name": "Lò Văn Páo", "ethnicity": "Kinh", "hometown": "xã Tân Lập"}, ["pao", "minh", "lsp"])
    assert "ethnicity" not in found and "<mark>Lập</mark>" in str(found["hometown"])
    assert "<mark>Kinh</mark>" in str(snippets({"ethnicity": "Kinh"}, ["kinh"])["ethnicity"])


def test_a_name_typed_without_diacritics_and_one_wrong_letter_finds_the_person(client_for, installation):
    officer = client_for("officer")
    truth = installation.truth[0]
    words = fold(truth["full_name"]).split()
    last = words[-1]
    words[-1] = last[:-1] + ("x" if last[-1] != "x" else "y")  # one wrong letter
    result = officer.get("/api/v1/search", params={"q": " ".join(words)}).json()
    top = result["hits"][0]
    assert fold(top["fields"]["full_name"]) == fold(truth["full_name"])
    assert "<mark>" in top["highlights"]["full_name"]
    assert result["facets"]["type"] == {"birth": result["total"]}


def test_search_by_id_and_year_filter_and_facets(client_for, installation):
    officer = client_for("officer")
    truth = installation.truth[1]
    hits = officer.get("/api/v1/search", params={"q": truth["personal_id"]}).json()["hits"]
    assert hits and hits[0]["fields"]["personal_id"] == masked(truth["personal_id"])  # in full on the record only
    year = int(truth["date_of_birth"][:4])
    everything = officer.get("/api/v1/search", params={"type": "birth"}).json()
    assert sum(everything["facets"]["year"].values()) == everything["total"] == 2
    only = officer.get("/api/v1/search", params={"type": "birth", "year_from": year, "year_to": year}).json()
    assert only["total"] >= 1 and all(h["fields"]["date_of_birth"].startswith(str(year)) for h in only["hits"])
    assert officer.get("/api/v1/search", params={"q": fold(truth["full_name"]), "type": "death"}).json()["total"] == 0


def test_a_search_matching_more_than_are_counted_says_so_and_how_to_narrow(client_for, installation, monkeypatch):
    officer = client_for("officer")
    assert officer.get("/api/v1/search", params={"type": "birth"}).json()["capped"] is False
    monkeypatch.setattr(index_base, "COUNTED", 1)  # two births: more than are counted
    found = officer.get("/api/v1/search", params={"type": "birth", "facets": "false"}).json()
    assert (found["total"], found["capped"], len(found["hits"])) == (1, True, 2)
    # the facets count every match: with them the total is exact again
    faceted = officer.get("/api/v1/search", params={"type": "birth"}).json()
    assert (faceted["total"], faceted["capped"]) == (2, False)


def test_a_broad_search_page_shows_its_hits_first_and_its_counts_after(client_for, installation, monkeypatch):
    officer = client_for("officer")
    inline = officer.get("/", params={"type": "birth"}).text  # two births: counted with the page
    assert "(2)" in inline and "data-counts" not in inline and ">2 kết quả" in inline
    monkeypatch.setattr(index_base, "COUNTED", 1)  # now more than are counted: the counts come after the hits
    page = officer.get("/", params={"type": "birth", "dossier": "HS-1"}).text
    assert "Hơn 1 kết quả" in page and "(2)" not in page and "Đang đếm" in page
    counts_url = re.search(r'data-counts="([^"]+)"', page).group(1).replace("&amp;", "&")
    assert counts_url == "/search/counts?type=birth&dossier=HS-1"
    searches = _audited(installation, "search")
    counted = officer.get(counts_url)
    assert counted.status_code == 200 and _audited(installation, "search") == searches  # counts: no read of a record
    assert 'id="search-facets"' in counted.text and "(2)" in counted.text and ">2 kết quả" in counted.text
    assert re.search(r'href="/\?type=birth&amp;year_from=\d+&amp;year_to=\d+&amp;dossier=HS-1"', counted.text)
    # without the script, the link in their place: the same page counted at once
    fallback = re.search(r'href="([^"]*counts=1[^"]*)"', page).group(1).replace("&amp;", "&")
    assert "(2)" in officer.get(fallback).text
    assert client_for("citizen").get(counts_url).status_code == 403
    assert officer.get("/search/counts", params={"q": "x" * 5000}).status_code in (400, 422)


def test_counts_are_written_with_vietnamese_thousands_dots():
    from api.pages import render_template
    from domain.labels import vn_number

    assert [vn_number(n) for n in (7, 999, 1000, 60990, 10_000_000)] == ["7", "999", "1.000", "60.990", "10.000.000"]
    result = {"total": 60990, "capped": False, "facets": {"type": {"birth": 26814}, "year": {"1990-1999": 1200}}}
    html = render_template("_facets.html", fragment=True, result=result, params={"type": ""}, shown=820,
                           link=lambda **_: "/")
    assert "60.990 kết quả: chỉ xem được 820 kết quả đầu" in html and "(26.814)" in html and "(1.200)" in html


def _audited(installation, action: str) -> int:
    from sqlalchemy import func, select

    from storage.audit_models import AuditEntry
    from workers import Context

    ctx = Context(installation.settings)
    try:
        with ctx.db.session() as s:
            return s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))
    finally:
        ctx.close()


def test_the_search_page_offers_pages_only_as_deep_as_they_can_be_opened(client_for, installation, monkeypatch):
    officer = client_for("officer")
    assert "Trang sau" not in officer.get("/", params={"type": "birth"}).text  # both births on the first page
    monkeypatch.setattr(routes_search, "PAGE", 1)
    page = officer.get("/", params={"type": "birth"}).text
    assert "2 kết quả" in page and "Trang sau" in page and "thu hẹp" not in page
    monkeypatch.setattr(routes_search, "MAX_OFFSET", 0)  # the second page could not be opened
    page = officer.get("/", params={"type": "birth"}).text
    assert "Trang sau" not in page and "chỉ xem được 1 kết quả đầu" in page and "thu hẹp" in page


def test_search_page_shows_key_fields_marks_and_a_crop(client_for, installation):
    officer = client_for("officer")
    name = installation.truth[0]["full_name"]
    page = officer.get("/", params={"q": fold(name)})
    assert page.status_code == 200 and "Khai sinh" in page.text and "<mark>" in page.text
    assert "Loại hồ sơ" in page.text and "/crop?q=" in page.text
    hit = officer.get("/api/v1/search", params={"q": fold(name)}).json()["hits"][0]
    crop = officer.get(hit["crop_url"])
    assert crop.status_code == 200 and crop.headers["content-type"] == "image/jpeg"
    record = officer.get(f"/api/v1/records/{hit['record_id']}?purpose=verification").json()
    full = Image.open(io.BytesIO(officer.get(f"/api/v1/pages/{record['pages'][0]['page_id']}/image").content))
    part = Image.open(io.BytesIO(crop.content))
    assert part.height < full.height / 2  # a band around the matched words, not the page


def test_record_page_shows_scan_fields_confidence_provenance_and_status(client_for, installation):
    officer = client_for("officer")
    hit = officer.get("/api/v1/search", params={"q": installation.truth[0]["personal_id"]}).json()["hits"][0]
    detail = officer.get(f"/api/v1/records/{hit['record_id']}?purpose=verification").json()
    page = officer.get(f"/records/{hit['record_id']}?purpose=verification").text
    assert detail["status"] == "valid" and "Còn hiệu lực" in page
    assert detail["provenance"]["sha256"] in page and detail["provenance"]["book"] == "01/1998" and "01/1998" in page
    assert "Số định danh cá nhân" in page and "%" in page and 'id="scan-img"' in page
    assert "/books/" in page  # page through the book
    nav = officer.get(f"/books/{installation.batch_id}/pages/2")
    assert nav.status_code == 200 and "Trang trước" in nav.text
    assert officer.get("/records/khong-co?purpose=verification").status_code == 404


def test_low_confidence_fields_are_flagged(client_for, installation):
    from storage.models import Record
    from workers import Context

    officer = client_for("officer")
    rid = officer.get("/api/v1/search", params={"type": "birth"}).json()["hits"][0]["record_id"]
    ctx = Context(installation.settings)
    with ctx.db.session() as s:
        record = s.get(Record, rid)
        saved = dict(record.confidence)
        record.confidence = {**saved, "full_name": 0.31}
    try:
        page = officer.get(f"/records/{rid}?purpose=verification").text
        assert "31%" in page and "cần kiểm tra" in page
    finally:
        with ctx.db.session() as s:
            s.get(Record, rid).confidence = saved
        ctx.close()
