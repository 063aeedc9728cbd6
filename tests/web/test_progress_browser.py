"""The progress page's live rows write their counts as the server's pages do, thousands parted by dots, in
headless Chromium under the site's CSP (the page served in this process, its events answered by the test)."""
from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from .test_browser_story import ARGS, CHROMIUM, require_chromium

pytestmark = pytest.mark.browser
SITE = "http://sohoa.test"
KEPT = ("content-type", "content-security-policy")


def test_a_large_books_live_counts_are_parted_by_dots(client_for, installation):
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    clerk = client_for("clerk")
    row = {"batch_id": installation.batch_id, "pages": 12480, "done": 10355, "failed": 1, "pending": 2124,
           "percent": 83}
    event = f"data: {json.dumps({'batches': [row]})}\n\n"

    def answer(route) -> None:
        url = urlsplit(route.request.url)
        if url.path == "/api/v1/progress/events":
            route.fulfill(status=200, body=event, headers={"content-type": "text/event-stream"})
            return
        got = clerk.get(url.path + (f"?{url.query}" if url.query else ""))
        route.fulfill(status=got.status_code, body=got.content,
                      headers={k: v for k, v in got.headers.items() if k in KEPT})

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.route(f"{SITE}/**", answer)
            page.goto(f"{SITE}/progress")
            cells = page.locator(f'tr[data-batch="{installation.batch_id}"]')
            expect(cells.locator('[data-k="pages"]')).to_have_text("12.480")
            expect(cells.locator('[data-k="done"]')).to_have_text("10.355")
            expect(cells.locator('[data-k="pending"]')).to_have_text("2.124")
            expect(cells.locator('[data-k="percent"]')).to_have_text("83")
        finally:
            browser.close()
