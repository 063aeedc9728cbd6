"""Upload through the API: every bad input `sohoa ingest` refuses is refused through POST /api/v1/batches with the
same code and the same Vietnamese reason; good files (HEIC phone photos included) become a batch whose report
says finished / pages / done / failed; resumable (tus) uploads carry on after a cut, per account, within the size
limit; only clerks and admins may upload."""
from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pikepdf
import pillow_heif
import pytest
from capture_scans import wait_finished
from fastapi.testclient import TestClient
from PIL import Image
from typer.testing import CliRunner

from api.app import create_app
from api.cli import app as cli
from domain.settings import Settings
from tests.ingest.ingest_files import image_bytes, make_pdf, make_zip, page
from tests.web.conftest import add_users, csrf_of, login, make_settings

MAX_BYTES = 3_000_000


@pytest.fixture(scope="module")
def settings(tmp_path_factory) -> Settings:
    s = make_settings(tmp_path_factory.mktemp("home")).model_copy(update={"max_file_bytes": MAX_BYTES})
    add_users(s)
    return s


@pytest.fixture(scope="module")
def app(settings):
    return create_app(settings)


def signed_in(app, role: str) -> TestClient:
    client = TestClient(app)
    assert login(client, role).status_code == 303
    client.headers["X-CSRF-Token"] = csrf_of(client.get("/account").text)
    return client


@pytest.fixture(scope="module")
def clerk(app):
    with signed_in(app, "clerk") as c:
        yield c


# -- the CLI's bad inputs ----------------------------------------------------------------------------------
def _corrupt_pdf(d: Path) -> Path:
    data = make_pdf(d / "full.pdf", pages=3).read_bytes()
    (d / "so-hong.pdf").write_bytes(data[: len(data) // 2])
    return d / "so-hong.pdf"


def _encrypted_pdf(d: Path) -> Path:
    with pikepdf.open(make_pdf(d / "src.pdf", pages=1)) as pdf:
        pdf.save(d / "so-khoa.pdf", encryption=pikepdf.Encryption(user="mat-khau", owner="chu-so-huu"))
    return d / "so-khoa.pdf"


def _zip_bomb(d: Path) -> Path:
    return make_zip(d / "bom.zip", {"zeros.png": b"\0" * 20_000_000})


def _traversal(d: Path) -> Path:
    return make_zip(d / "leo-thu-muc.zip", {"../escape.png": image_bytes("PNG")})


def _wrong_type(d: Path) -> Path:
    (d / "ghi-chu.docx").write_bytes(b"Day khong phai ban quet")
    return d / "ghi-chu.docx"


def _too_large(d: Path) -> Path:
    (d / "qua-lon.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * MAX_BYTES)
    return d / "qua-lon.pdf"


BAD = {"corrupt_pdf": _corrupt_pdf, "encrypted_pdf": _encrypted_pdf, "zip_bomb": _zip_bomb,
       "path_traversal": _traversal, "wrong_type": _wrong_type, "too_large": _too_large}


def cli_failures(path: Path, home: Path) -> list[dict]:
    """What `sohoa ingest FILE --json` reports for the file, run in its folder in an installation of its own."""
    env = {"SOHOA_HOME": str(home), "SOHOA_MAX_FILE_BYTES": str(MAX_BYTES), "SOHOA_WORKERS": "1"}
    import contextlib

    with contextlib.chdir(path.parent):
        result = CliRunner().invoke(cli, ["ingest", path.name, "--json"], env=env)
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["failed"]


@pytest.mark.parametrize("kind", sorted(BAD))
def test_every_bad_input_of_the_cli_gets_the_same_error_through_the_upload(clerk, tmp_path, kind):
    path = BAD[kind](tmp_path)
    expected = cli_failures(path, tmp_path / "cli-home")
    assert expected and all(f["reason"] for f in expected)

    answer = clerk.post("/api/v1/batches", files=[("files", (path.name, path.read_bytes()))],
                        data={"type": "birth", "book": "01/1998"})
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "nothing_accepted"
    for f in expected:  # the same reason, word for word, naming the same file or member
        assert f"{f['source']}: {f['reason']}" in error["message"]
    batch_id = error["message"].split("(lô ")[1].split(")")[0]
    report = wait_finished(clerk, batch_id)
    assert [(f["source"], f["code"], f["reason"]) for f in report["failed"]] == \
        [(f["source"], f["code"], f["reason"]) for f in expected]
    assert report["pages"] == 0 and report["done"] == 0


def test_a_bad_file_beside_good_ones_is_listed_and_the_rest_goes_on(clerk, tmp_path):
    bad = _encrypted_pdf(tmp_path)
    answer = clerk.post("/api/v1/batches", data={"book": "02/1999", "years": "1999", "note": "thiếu trang 3"},
                        files=[("files", ("trang-1.png", image_bytes("PNG", (300, 400)))),
                               ("files", (bad.name, bad.read_bytes()))])
    assert answer.status_code == 201, answer.text
    body = answer.json()
    assert body["new_pages"] == 1 and [r["code"] for r in body["rejected"]] == ["pdf_encrypted"]
    report = wait_finished(clerk, body["batch_id"])
    assert report["pages"] == 1 and report["done"] + len(report["failed_pages"]) == 1
    assert report["book"] == "02/1999" and report["note"] == "thiếu trang 3"
    assert any(f["code"] == "pdf_encrypted" and f["source"] == bad.name for f in report["failed"])


def _png(im: Image.Image) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue()


def test_heic_phone_photos_and_folders_keep_their_names(clerk, tmp_path):
    pillow_heif.register_heif_opener()
    heic = tmp_path / "IMG_0001.HEIC"
    page(1, (320, 440)).save(heic, "HEIF")
    answer = clerk.post("/api/v1/batches", data={"type": "auto"}, files=[
        ("files", ("so-1998/IMG_0001.HEIC", heic.read_bytes())),
        ("files", ("../../etc/trang-2.png", _png(page(2, (300, 420)))))])
    assert answer.status_code == 201, answer.text
    assert answer.json()["new_pages"] == 2 and answer.json()["rejected"] == []
    pages = clerk.get(f"/api/v1/batches/{answer.json()['batch_id']}/pages").json()
    # the folder is kept; a name that would climb out of the upload keeps only its last part
    assert [p["source"] for p in pages] == ["so-1998/IMG_0001.HEIC", "trang-2.png"]
    wait_finished(clerk, answer.json()["batch_id"])


def test_photos_sent_under_one_name_keep_the_order_they_were_taken(clerk):
    """A phone's camera names every photo it hands the browser "image.jpg" (iOS): the book keeps them in the
    order sent, each under a name of its own (the first keeps its name; before, the third sent came first, as
    "image (2) (3).jpg")."""
    shots = [("files", ("image.jpg", image_bytes("JPEG", (300 + n, 400)))) for n in range(3)]
    answer = clerk.post("/api/v1/batches", data={"type": "auto"}, files=shots)
    assert answer.status_code == 201, answer.text
    pages = clerk.get(f"/api/v1/batches/{answer.json()['batch_id']}/pages").json()
    assert [p["source"] for p in pages] == ["image.jpg", "image_2.jpg", "image_3.jpg"]
    wait_finished(clerk, answer.json()["batch_id"])


def test_metadata_and_permissions_are_checked(app, clerk):
    png = ("files", ("a.png", image_bytes("PNG")))
    wrong = clerk.post("/api/v1/batches", data={"type": "khai-sinh"}, files=[png])
    assert wrong.status_code == 422 and "Loại sổ không hợp lệ" in wrong.json()["error"]["message"]
    assert clerk.post("/api/v1/batches", data={"book": "x"}).status_code == 422
    for years in ("abc", "1998-1990", "19988", "3000"):  # a book's years are years, first one first, none ahead
        bad = clerk.post("/api/v1/batches", data={"years": years}, files=[png])
        assert bad.status_code == 422 and "Năm của sổ phải là" in bad.json()["error"]["message"], years
    with signed_in(app, "officer") as officer:
        assert officer.post("/api/v1/batches", files=[png]).status_code == 403
        assert officer.get("/upload").status_code == 403
    assert TestClient(app).post("/api/v1/batches", files=[png]).status_code == 401
    nocsrf = signed_in(app, "clerk")
    del nocsrf.headers["X-CSRF-Token"]
    assert nocsrf.post("/api/v1/batches", files=[png]).status_code == 403


# -- resumable uploads (tus) -------------------------------------------------------------------------------
TUS = {"Tus-Resumable": "1.0.0"}


def _meta(**kv: str) -> str:
    return ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in kv.items())


def test_a_tus_upload_resumes_after_a_cut_and_becomes_a_book(app, clerk, tmp_path):
    data = make_pdf(tmp_path / "so.pdf", pages=2, size=(400, 560)).read_bytes()
    created = clerk.post("/api/v1/uploads", headers={**TUS, "Upload-Length": str(len(data)),
                                                     "Upload-Metadata": _meta(
        filename="so.pdf", filetype="application/pdf", relativePath="quyen-05/so.pdf")})
    assert created.status_code == 201, created.text
    url = created.headers["location"]
    upload_id = url.rstrip("/").rsplit("/", 1)[-1]
    half = len(data) // 2
    first = clerk.patch(url, content=data[:half], headers={
        **TUS, "Upload-Offset": "0", "Content-Type": "application/offset+octet-stream"})
    assert first.status_code == 204
    # the connection dropped here; the client asks where to carry on
    where = clerk.head(url, headers=TUS)
    assert where.status_code == 200 and where.headers["upload-offset"] == str(half)
    # not finished yet: refused as a book's file
    early = clerk.post("/api/v1/batches", data={"uploads": upload_id})
    assert early.status_code == 422 and "chưa tải xong" in early.json()["error"]["message"]
    with signed_in(app, "admin") as admin:  # another account cannot see or continue it
        assert admin.head(url, headers=TUS).status_code == 404
    rest = clerk.patch(url, content=data[half:], headers={
        **TUS, "Upload-Offset": str(half), "Content-Type": "application/offset+octet-stream"})
    assert rest.status_code == 204 and rest.headers["upload-offset"] == str(len(data))
    answer = clerk.post("/api/v1/batches", data={"uploads": upload_id, "book": "05/2001"})
    assert answer.status_code == 201, answer.text
    assert answer.json()["new_pages"] == 2
    pages = clerk.get(f"/api/v1/batches/{answer.json()['batch_id']}/pages").json()
    assert [p["source"] for p in pages] == ["quyen-05/so.pdf"] * 2
    assert clerk.post("/api/v1/batches", data={"uploads": upload_id}).status_code == 404  # taken once
    wait_finished(clerk, answer.json()["batch_id"])


def test_tus_refuses_what_is_too_large_and_anonymous_users(app, clerk):
    named = {**TUS, "Upload-Metadata": _meta(filename="a.pdf", filetype="application/pdf")}
    big = clerk.post("/api/v1/uploads", headers={**named, "Upload-Length": str(MAX_BYTES + 1)})
    assert big.status_code == 413 and "vượt giới hạn" in big.json()["error"]["message"]
    deferred = clerk.post("/api/v1/uploads", headers={**named, "Upload-Defer-Length": "1"})
    assert deferred.status_code == 422
    unnamed = clerk.post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10"})
    assert unnamed.status_code == 422 and "filename" in unnamed.json()["error"]["message"]
    assert TestClient(app).post("/api/v1/uploads", headers={**TUS, "Upload-Length": "10"}).status_code == 401
    assert clerk.head("/api/v1/uploads/khong-phai-ma", headers=TUS).status_code == 404
    assert clerk.put("/api/v1/batches/khong-co/order", json={"pages": []}).status_code == 404


def test_a_zip_of_photos_is_one_book_in_natural_order(clerk, tmp_path):
    buf = tmp_path / "anh.zip"
    with zipfile.ZipFile(buf, "w") as zf:
        for n in (10, 2, 1):
            im = Image.new("RGB", (300, 400), "white")
            im.paste((n * 20, 0, 0), (10, 10, 60, 40))
            path = tmp_path / f"p{n}.jpg"
            im.save(path, "JPEG")
            zf.write(path, f"anh/p{n}.jpg")
    answer = clerk.post("/api/v1/batches", files=[("files", ("anh.zip", buf.read_bytes()))])
    assert answer.status_code == 201, answer.text
    pages = clerk.get(f"/api/v1/batches/{answer.json()['batch_id']}/pages").json()
    assert [p["source"] for p in pages] == [f"anh.zip!anh/p{n}.jpg" for n in (1, 2, 10)]
    wait_finished(clerk, answer.json()["batch_id"])


def test_a_book_of_spreads_is_cut_in_two_and_its_halves_are_not_turned_alone(clerk):
    spread = Image.new("RGB", (840, 600), "white")
    spread.paste((0, 0, 0), (400, 0, 440, 600))  # the binding's gutter
    answer = clerk.post("/api/v1/batches", data={"spreads": "true", "book": "11/2007"},
                        files=[("files", ("hai-trang.png", _png(spread)))])
    assert answer.status_code == 201, answer.text
    assert answer.json()["new_pages"] == 2
    batch_id = answer.json()["batch_id"]
    wait_finished(clerk, batch_id)
    left = clerk.get(f"/api/v1/batches/{batch_id}/pages").json()[0]
    turned = clerk.post(f"/api/v1/batches/{batch_id}/pages/{left['page_id']}/rotate", json={"degrees": 90})
    assert turned.status_code == 422 and turned.json()["error"]["code"] == "fix_refused"


def test_the_batch_stream_sends_its_state_and_ends_when_finished(clerk, tmp_path):
    path = _wrong_type(tmp_path)
    answer = clerk.post("/api/v1/batches", files=[("files", (path.name, path.read_bytes()))])
    batch_id = answer.json()["error"]["message"].split("(lô ")[1].split(")")[0]
    wait_finished(clerk, batch_id)
    with clerk.stream("GET", f"/api/v1/batches/{batch_id}/events") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in stream.iter_lines() if line]
    events = [json.loads(line[6:]) for line in lines if line.startswith("data: {\"")]
    assert events[-1]["finished"] is True and events[-1]["pages"] == 0
    assert lines[-2:] == ["event: end", "data: {}"]
    assert clerk.get("/api/v1/batches/khong-co-lo-nay/events").status_code == 404
