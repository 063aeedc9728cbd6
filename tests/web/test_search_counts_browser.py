"""A broad search's counts come into the page after its hits, by app.js, in headless Chromium under the site's
CSP. The page is the app's own, served in this process (the browser's requests answered by a signed-in test
client) so that "broad" can be made two records: the index counts at most ``COUNTED`` matches with the hits."""
from __future__ import annotations

import pytest

from index import base as index_base

from .in_process import SITE, answered_by
from .test_browser_story import ARGS, CHROMIUM, require_chromium

pytestmark = pytest.mark.browser


def test_a_broad_search_counts_in_place_and_says_so_when_it_cannot(client_for, installation, monkeypatch):
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    monkeypatch.setattr(index_base, "COUNTED", 1)  # two births: more than are counted with the hits
    asked: list[str] = []
    answer = answered_by(client_for("officer"), asked)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(locale="vi-VN")
            page.route(f"{SITE}/**", answer)
            page.goto(f"{SITE}/?type=birth")
            expect(page.locator("#search-facets")).to_contain_text("Khai sinh (2)")
            expect(page.locator("#search-total")).to_have_text("2 kết quả")
            expect(page.locator("[data-counts]")).to_have_count(0)
            assert "/search/counts" in asked

            # the counts unanswered: the page says so and keeps the link (a later route is tried first)
            page.route(f"{SITE}/search/counts**", lambda route: route.fulfill(status=503, body="x"))
            page.goto(f"{SITE}/?type=birth")
            expect(page.locator("#search-facets")).to_contain_text("Chưa đếm được")
            expect(page.locator("#search-total")).to_contain_text("Hơn 1 kết quả")
            expect(page.get_by_role("link", name="Xem số lượng")).to_be_visible()
        finally:
            browser.close()
