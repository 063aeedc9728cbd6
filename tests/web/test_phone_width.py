"""Each role's pages on a phone (390 CSS pixels wide, as Chromium emulates one): a clerk photographs books and
watches their progress there, a citizen reads their papers. Nothing may widen the page past the screen; a wide
table scrolls within itself, and a citizen's tables are cards that need no scrolling at all."""
from __future__ import annotations

import pytest

from .conftest import PASSWORD
from .test_browser_story import ARGS, CHROMIUM, server  # noqa: F401 (the served installation)

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
# Each role's pages by address, or by a link followed from the page before: a book's page from the progress
# page, its keying station from the keying list; a record, once the officer has said why, from a search.
PAGES = {"clerk": ["/upload", "/review", "/progress", "#live-batches a", "/keying", "a:text-is('Gõ')"],
         "officer": ["/dossiers", "/?q=nguyen", "article.hit h3 a", "text=Giải quyết yêu cầu của công dân"],
         "citizen": ["/cong-dan"], "cd.dienthoai": ["/cong-dan"], "admin": ["/admin/users", "/admin/audit"]}


def _citizen_with_records(installation) -> None:
    """A citizen holding the personal ID printed on the test book's first page: their page lists its records."""
    from domain.errors import Conflict
    from office.accounts import service as auth
    from workers import Context

    ctx = Context(installation.settings)
    try:
        with ctx.db.session() as s:
            auth.create_user(s, "cd.dienthoai", PASSWORD, "citizen", full_name="Công dân dùng điện thoại",
                             personal_id=installation.truth[0]["personal_id"])
    except Conflict:  # made by an earlier run against the same installation
        pass
    finally:
        ctx.close()


def test_no_page_is_wider_than_a_phone(server, installation):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    _citizen_with_records(installation)
    wider, seen = {}, []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for role, paths in PAGES.items():
                page = browser.new_context(locale="vi-VN", viewport=PHONE, is_mobile=True).new_page()
                page.goto(server + "/login")
                page.get_by_label("Tên đăng nhập").fill(role)
                page.get_by_label("Mật khẩu").fill(PASSWORD)
                page.get_by_role("button", name="Đăng nhập").click()
                page.wait_for_load_state()
                for path in paths:
                    if path.startswith("/"):
                        assert page.goto(server + path).ok, path
                    else:
                        page.locator(path).first.click()
                        page.wait_for_load_state()
                        path = page.url.removeprefix(server)
                    seen.append(path)
                    if role == "cd.dienthoai":  # a citizen's papers and their actions in sight, no sideways scroll
                        expect(page.get_by_role("button", name="Yêu cầu bản sao").first).to_be_visible()
                        assert page.evaluate("[...document.querySelectorAll('table')].every("
                                             "t => t.scrollWidth <= t.clientWidth + 1)"), path
                    width = page.evaluate("document.documentElement.scrollWidth")
                    if width > PHONE["width"]:
                        wider[path] = width
                page.context.close()
        finally:
            browser.close()
    for followed in ("/batches/", "/keying/", "/records/"):
        assert any(p.startswith(followed) for p in seen), seen
    assert not wider, f"pages wider than a {PHONE['width']}-pixel phone: {wider}"


def test_a_phone_offers_its_camera_for_each_page(server, tmp_path):  # noqa: F811
    """On a touch screen the upload page offers the camera (the back one, a photo per page, added to the book's
    files in the order taken); a desk's computer sees the file and folder choosers only, as Vietnamese buttons."""
    from playwright.sync_api import expect, sync_playwright

    from tests.ingest.ingest_files import image_bytes

    shot = tmp_path / "image.jpg"
    shot.write_bytes(image_bytes("JPEG", (300, 400)))
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for phone in (True, False):
                size = PHONE if phone else {"width": 1280, "height": 900}
                page = browser.new_context(locale="vi-VN", viewport=size, is_mobile=phone, has_touch=phone).new_page()
                page.goto(server + "/upload")
                page.get_by_label("Tên đăng nhập").fill("clerk")
                page.get_by_label("Mật khẩu").fill(PASSWORD)
                page.get_by_role("button", name="Đăng nhập").click()
                # The choosers' buttons are their Vietnamese labels: the native button and its "No file chosen",
                # in the browser's own language, are not shown.
                for pick, name in (("#pick-files", "Chọn tệp…"), ("#pick-folder", "Chọn thư mục…")):
                    expect(page.get_by_label(name)).to_have_count(1)
                    assert page.locator(pick).evaluate("e => getComputedStyle(e).opacity") == "0"
                # Nothing chosen yet: no empty table of files (a phone's narrow tables are blocks, not hidden ones).
                expect(page.locator("#chosen")).to_be_hidden()
                camera = page.locator("#pick-camera")
                if not phone:
                    expect(camera).to_be_hidden()
                    continue
                expect(camera).to_be_visible()
                assert camera.get_attribute("capture") == "environment"
                for _ in range(2):
                    camera.set_input_files(str(shot))
                expect(page.locator("#chosen tbody tr")).to_have_count(2)
                page.context.close()
        finally:
            browser.close()
