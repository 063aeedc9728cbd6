"""A clerk's day in a real browser (headless Chromium) against a real uvicorn server: sign in, upload a PDF book
and a zip of phone photos (12 MP JPEGs of pages on a desk, from samples.photo, with their truth) with their
metadata (tus uploads through tus-js-client), watch the progress live to the end (server-sent events, no
reload), send the failed page back with the batch page's button (no terminal), replace it with a new photo, and
find the person on that photo."""
from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from domain.text import fold
from tests.served import served

from .conftest import PASSWORD, add_users, make_settings
from .test_browser_story import ARGS, CHROMIUM, require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.timeout(1800)]  # six OCR runs of 12 MP photos and scans
OCR_WAIT_MS = 600_000  # two shared cores, several books: OCR time, not a claim about speed


@pytest.fixture(scope="module")
def capture_server(tmp_path_factory):
    require_chromium()
    settings = make_settings(tmp_path_factory.mktemp("home"))
    add_users(settings)
    # a loaded shared machine must not turn a readable photo into an OCR timeout: time is not what is tested here
    with served(settings.home, SOHOA_WORKERS="2", SOHOA_OCR_TIMEOUT_S="900") as base:
        yield base


def _back_of_a_sheet(path: Path) -> Path:
    """A photo of the wrong side of a sheet: blank paper, the office's stamps showing through, a signature and a
    ruled line — sharp enough for the upload's quality gate, but no text, so the page fails OCR."""
    from samples.photo import photograph

    page = np.full((3508, 2480, 3), 250, np.uint8)
    for centre in ((1700, 2700), (800, 700)):
        cv2.circle(page, centre, 260, (200, 40, 40), 18)
    cv2.polylines(page, [np.array([[1500 + 30 * i, 2750 + int(60 * np.sin(i / 2))] for i in range(25)],
                                  np.int32)], False, (30, 30, 90), 10)
    cv2.rectangle(page, (300, 1500), (2180, 1520), (60, 60, 60), -1)
    photograph(Image.fromarray(page), np.random.default_rng(9), desk="wood").image.save(path, quality=90)
    return path


def _books(tmp_path: Path) -> tuple[Path, Path, Path, dict]:
    """A 2-page PDF register of births; a zip of two phone photos of another book, the second of them the back
    of a sheet by mistake; the photo of the right side, taken again; and that page's truth."""
    from samples import generate_book
    from samples.photo import generate_photos

    pdf = generate_book(tmp_path / "pdf", record_type="birth", pages=2, seed=31, degradation="clean", fmt="pdf")
    truth_path = generate_photos(tmp_path / "photos", record_type="birth", pages=2, seed=32, kind="photo")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    shots = [truth_path.parent / truth["book"] / name for name in truth["files"]]
    archive = tmp_path / "anh-chup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(shots[0], "anh-chup/trang-1.jpg")
        zf.write(_back_of_a_sheet(tmp_path / "mat-sau.jpg"), "anh-chup/trang-2.jpg")
    again = tmp_path / "trang-2-chup-lai.jpg"
    shutil.copyfile(shots[1], again)
    return pdf.paths[0], archive, again, truth["pages"][1]["fields"]


def test_a_clerks_day_upload_watch_fix_and_find(capture_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    server = capture_server
    book_pdf, photos_zip, photo_again, truth = _books(tmp_path)
    person = truth["full_name"]  # on the page photographed again

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 1000}).new_page()
            page.goto(server + "/upload")
            page.get_by_label("Tên đăng nhập").fill("clerk")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page.get_by_role("heading", name="Nhập sổ đã quét")).to_be_visible()

            # 1. the PDF book, with its metadata
            page.locator("#pick-files").set_input_files(str(book_pdf))
            expect(page.locator("#chosen tbody tr")).to_have_count(1)
            page.get_by_label("Loại sổ").select_option("birth")
            page.get_by_label("Số quyển").fill("09/2005")
            page.get_by_label("Năm").fill("năm 2005")  # not a year: the browser stops it before any upload
            page.get_by_role("button", name="Tải lên và nhận dạng").click()
            expect(page.locator("#years:invalid")).to_have_count(1)
            assert page.eval_on_selector("#years", "e => e.validationMessage").startswith("Một năm hoặc")
            expect(page.locator("#upload-status")).to_have_text("")
            page.get_by_label("Năm").fill("2005")
            page.get_by_label("Cơ quan đăng ký").fill("UBND phường Thanh Bình")
            page.get_by_label("Ghi chú").fill("Sổ còn tốt")
            page.get_by_role("button", name="Tải lên và nhận dạng").click()
            expect(page).to_have_url(re.compile(r"/batches/[0-9a-f]{16}$"), timeout=60_000)
            expect(page.locator("h1")).to_contain_text("09/2005")
            # live: the counts move without a reload, to the end
            expect(page.locator("#live-state")).to_have_text("Đã xong", timeout=OCR_WAIT_MS)
            expect(page.locator("#live-done")).to_have_text("2")
            expect(page.locator("#live-waiting")).to_have_text("0")

            # 2. a zip of phone photos, with its metadata
            page.goto(server + "/upload")
            page.locator("#pick-files").set_input_files(str(photos_zip))
            page.get_by_label("Loại sổ").select_option("birth")
            page.get_by_label("Số quyển").fill("10/2006")
            page.get_by_label("Năm").fill("2006")
            page.get_by_label("Cơ quan đăng ký").fill("UBND phường Thanh Bình")
            page.get_by_label("Ghi chú").fill("Chụp bằng điện thoại")
            page.get_by_role("button", name="Tải lên và nhận dạng").click()
            expect(page).to_have_url(re.compile(r"/batches/[0-9a-f]{16}$"), timeout=60_000)
            expect(page.locator("h1")).to_contain_text("10/2006")
            expect(page.locator("#live-state")).to_have_text("Đã xong", timeout=OCR_WAIT_MS)
            expect(page.locator("#live-done")).to_have_text("1")
            expect(page.locator("#live-failed")).to_have_text("1")
            card = page.locator("#failed-pages .failed-page")
            expect(card).to_contain_text("anh-chup/trang-2.jpg")
            expect(card.locator(".reason")).not_to_be_empty()  # no text on it ("Không đọc được chữ…")
            expect(card.locator("img.thumb")).to_be_visible()
            page.screenshot(path=str(tmp_path / "lo-anh-chup.png"), full_page=True)

            # 3. read again from the page itself (no `sohoa retry` in a terminal): the back of a sheet fails again
            expect(page.locator("#no-failures")).to_be_hidden()
            page.get_by_role("button", name="Nhận dạng lại các trang lỗi").click()
            expect(page.locator("#retry-done")).to_have_text("Đã đưa 1 trang lỗi vào hàng đợi để nhận dạng lại.")
            expect(page.locator("#retry-box")).to_be_hidden()  # while the page is read again
            expect(page.locator("#retry-box")).to_be_visible(timeout=OCR_WAIT_MS)
            expect(page.locator("#live-state")).to_have_text("Đã xong")
            expect(page.locator("#live-failed")).to_have_text("1")
            expect(page.locator("#table-failed")).to_have_text("1")

            # 4. the clerk photographs the right side and puts it in the failed page's place: it alone is read
            row = page.locator("#pages-table tbody tr").nth(1)
            expect(row).to_contain_text("anh-chup.zip!anh-chup/trang-2.jpg")
            expect(row).to_contain_text("Lỗi")
            row.get_by_label("Thay trang 2").set_input_files(str(photo_again))
            expect(row).to_contain_text("trang-2-chup-lai.jpg", timeout=60_000)
            expect(row).to_contain_text("Xong", timeout=OCR_WAIT_MS)
            expect(page.locator("#live-state")).to_have_text("Đã xong")
            expect(page.locator("#live-failed")).to_have_text("0")
            expect(page.locator("#live-done")).to_have_text("2")

            # 5. and the person on that photo is found, typed without diacritics
            page.goto(server + "/")
            page.get_by_label("Từ khóa").fill(fold(person))
            page.get_by_label("Từ khóa").press("Enter")
            expect(page.locator("article.hit h3 a").first).to_have_text(re.compile(re.escape(person), re.IGNORECASE))
        finally:
            browser.close()
