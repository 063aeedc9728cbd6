"""A clerk's day in a real browser (headless Chromium) against a real uvicorn server: sign in, upload a PDF book
and a zip of page photos with their metadata (tus uploads through tus-js-client), watch the progress live to the
end (server-sent events, no reload), turn a page that was scanned upside down, and find a person from that book."""
from __future__ import annotations

import json
import re
import zipfile

import pytest
from PIL import Image

from domain.text import fold
from tests.served import served

from .conftest import PASSWORD, add_users, make_settings
from .test_browser_story import ARGS, CHROMIUM, require_chromium

pytestmark = pytest.mark.browser
OCR_WAIT_MS = 600_000  # two shared cores, several books: OCR time, not a claim about speed


@pytest.fixture(scope="module")
def capture_server(tmp_path_factory):
    require_chromium()
    settings = make_settings(tmp_path_factory.mktemp("home"))
    add_users(settings)
    with served(settings.home, SOHOA_WORKERS="2") as base:
        yield base


def _books(tmp_path):
    """A 2-page PDF register of births, and a zip of two page photos of another book, the second upside down."""
    from samples import generate_book

    pdf = generate_book(tmp_path / "pdf", record_type="birth", pages=2, seed=31, degradation="clean", fmt="pdf")
    photos = generate_book(tmp_path / "png", record_type="birth", pages=2, seed=32, degradation="clean", fmt="png")
    archive = tmp_path / "anh-chup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i, path in enumerate(photos.paths, start=1):
            if i == 2:
                Image.open(path).rotate(180).save(path)
            zf.write(path, f"anh-chup/trang-{i}.png")
    truth = [p["fields"] for p in json.loads(photos.truth_path.read_text(encoding="utf-8"))["pages"]]
    return pdf.paths[0], archive, truth


def test_a_clerks_day_upload_watch_fix_and_find(capture_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    server = capture_server
    book_pdf, photos_zip, truth = _books(tmp_path)
    person = truth[1]["full_name"]  # on the page photographed upside down

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context(locale="vi-VN").new_page()
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

            # 2. a zip of phone photos
            page.goto(server + "/upload")
            page.locator("#pick-files").set_input_files(str(photos_zip))
            page.get_by_label("Số quyển").fill("10/2006")
            page.get_by_label("Cơ quan đăng ký").fill("UBND phường Thanh Bình")
            page.get_by_role("button", name="Tải lên và nhận dạng").click()
            expect(page).to_have_url(re.compile(r"/batches/[0-9a-f]{16}$"), timeout=60_000)
            expect(page.locator("#live-state")).to_have_text("Đã xong", timeout=OCR_WAIT_MS)
            expect(page.locator("#live-processed")).to_have_text("2")

            # 3. the second page was photographed upside down: turn it; it alone is read again
            row = page.locator("#pages-table tbody tr").nth(1)
            expect(row).to_contain_text("anh-chup.zip!anh-chup/trang-2.png")
            row.get_by_role("button", name="Lật ngược").click()
            expect(row).to_contain_text("xoay-180", timeout=60_000)
            expect(row).to_contain_text("Xong", timeout=OCR_WAIT_MS)
            expect(page.locator("#live-state")).to_have_text("Đã xong")

            # 4. and the person on that page is found, typed without diacritics
            page.goto(server + "/")
            page.get_by_label("Từ khóa").fill(fold(person))
            page.get_by_label("Từ khóa").press("Enter")
            expect(page.locator("article.hit h3 a").first).to_have_text(re.compile(re.escape(person), re.IGNORECASE))
        finally:
            browser.close()
