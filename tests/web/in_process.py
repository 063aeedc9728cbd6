"""The site's pages in headless Chromium, served by this process: each request the browser makes is answered by a
signed-in test client, so a test can set the app's state (a lower count cap, a chosen event) that a real server in
another process would not let it."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

SITE = "http://sohoa.test"
_KEPT = ("content-type", "content-security-policy")


def answered_by(client, asked: list[str] | None = None) -> Callable:
    """A Playwright route handler answering GET requests with ``client``'s responses (their CSP kept); the paths
    asked are added to ``asked``."""

    def answer(route) -> None:
        url = urlsplit(route.request.url)
        if asked is not None:
            asked.append(url.path)
        got = client.get(url.path + (f"?{url.query}" if url.query else ""))
        route.fulfill(status=got.status_code, body=got.content,
                      headers={k: v for k, v in got.headers.items() if k in _KEPT})

    return answer
