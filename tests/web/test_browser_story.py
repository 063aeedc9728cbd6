"""The officer's story in a real browser (headless Chromium) against a real uvicorn server: log in, find a
person typed without diacritics and with one wrong letter, open the record, attach it to a new dossier,
download the certified copy, and open its QR link logged out to see it verified."""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pikepdf
import pytest

from domain.text import fold
from tests.served import served

from .conftest import PASSWORD

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def require_chromium() -> None:
    """Debian's headless Chromium, installed by scripts/bootstrap.sh --test: a skip outside CI, an error in it."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but /usr/bin/chromium is missing (apt-get install chromium)", pytrace=False)
        pytest.skip("/usr/bin/chromium not installed")


@pytest.fixture(scope="module")
def server(installation):
    require_chromium()
    with served(installation.settings.home) as base:
        yield base


def test_officer_finds_attaches_certifies_and_anyone_verifies(server, installation, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    truth = installation.truth[1]
    words = fold(truth["full_name"]).split()
    words[1] = words[1][:-1] + ("q" if words[1][-1] != "q" else "z")  # one wrong letter in the middle name
    typed = " ".join(words)
    name = re.compile(re.escape(truth["full_name"]), re.IGNORECASE)  # the register writes names in capitals

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            officer = browser.new_context(accept_downloads=True, locale="vi-VN")
            page = officer.new_page()
            page.goto(server + "/")
            expect(page).to_have_url(f"{server}/login?next=%2F")
            page.get_by_label("Tên đăng nhập").fill("officer")
            page.get_by_label("Mật khẩu").fill(PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            expect(page.get_by_role("heading", name="Tra cứu hồ sơ")).to_be_visible()

            page.get_by_label("Từ khóa").fill(typed)
            page.get_by_label("Từ khóa").press("Enter")
            link = page.locator("article.hit h3 a").first
            expect(link).to_have_text(name)
            expect(page.locator("article.hit mark").first).to_be_visible()
            link.click()
            # outside a dossier, the officer says why before the record opens (the citizen will see it)
            expect(page.locator("h1")).to_contain_text("Vì sao bạn mở hồ sơ này")
            page.get_by_role("link", name="Giải quyết yêu cầu của công dân tại bộ phận một cửa").click()

            expect(page.locator("h1")).to_contain_text(name)
            expect(page.locator("body")).to_contain_text(truth["personal_id"])
            page.get_by_label("Thủ tục", exact=True).fill("Cấp bản sao trích lục khai sinh")
            page.get_by_label("Người nộp hồ sơ").fill("Ngô Thị H")
            page.get_by_label("Lý do sử dụng lại kết quả này").fill("Người dân xin bản sao trích lục khai sinh")
            page.get_by_role("button", name="Đính kèm").click()

            expect(page.locator("h1")).to_contain_text("Hồ sơ thủ tục HS-")
            expect(page.locator("body")).to_contain_text("Người dân xin bản sao trích lục khai sinh")
            page.get_by_role("button", name="Cấp bản sao điện tử").click()
            with page.expect_download() as info:
                page.get_by_role("link", name="Tải bản sao (PDF)").click()
            saved = tmp_path / "ban-sao.pdf"
            info.value.save_as(saved)
            pdf = pikepdf.Pdf.open(io.BytesIO(saved.read_bytes()))
            qr_link = next(str(a.A.URI) for a in pdf.pages[0].Annots if "/A" in a)
            assert qr_link.startswith(f"{server}/verify/")

            citizen = browser.new_context(locale="vi-VN")  # no cookies: logged out
            public = citizen.new_page()
            public.goto(qr_link)
            expect(public.locator("#verdict")).to_contain_text("Bản sao hợp lệ")
            expect(public.locator("body")).not_to_contain_text(name)
            expect(public.locator("body")).not_to_contain_text(truth["personal_id"])
            public.goto(server + "/")
            expect(public).to_have_url(f"{server}/login?next=%2F")
        finally:
            browser.close()
