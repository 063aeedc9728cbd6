"""The progress page's live rows write their counts as the server's pages do, thousands parted by dots, in
headless Chromium under the site's CSP (the page served in this process, its events answered by the test)."""
from __future__ import annotations

import json

import pytest

from .in_process import SITE, answered_by
from .test_browser_story import ARGS, CHROMIUM, require_chromium

pytestmark = pytest.mark.browser


def test_a_large_books_live_counts_are_parted_by_dots(client_for, installation):
    from playwright.sync_api import expect, sync_playwright

    require_chromium()
    row = {"batch_id": installation.batch_id, "pages": 12480, "done": 10355, "failed": 1, "pending": 2124,
           "percent": 83}
    event = f"data: {json.dumps({'batches': [row]})}\n\n"

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page()
            page.route(f"{SITE}/**", answered_by(client_for("clerk")))
            # (a later route is tried first) the live feed: one event, as the server sends them
            page.route(f"{SITE}/api/v1/progress/events", lambda route: route.fulfill(
                status=200, body=event, headers={"content-type": "text/event-stream"}))
            page.goto(f"{SITE}/progress")
            cells = page.locator(f'tr[data-batch="{installation.batch_id}"]')
            expect(cells.locator('[data-k="pages"]')).to_have_text("12.480")
            expect(cells.locator('[data-k="done"]')).to_have_text("10.355")
            expect(cells.locator('[data-k="pending"]')).to_have_text("2.124")
            expect(cells.locator('[data-k="percent"]')).to_have_text("83")
        finally:
            browser.close()
