"""The record page lists the seal, stamps, signatures and handwriting OCR set aside on the record's page
(ocr.marks, kept in the page's words JSON by the pipeline)."""
from __future__ import annotations

import re

import pytest

from office.records.marks import on_scan


def test_record_page_lists_the_seal_set_aside(client_for, installation):
    officer = client_for("officer")
    hit = officer.get("/api/v1/search", params={"q": installation.truth[0]["personal_id"]}).json()["hits"][0]
    page = officer.get(f"/records/{hit['record_id']}?purpose=verification").text
    assert "Dấu, chữ ký, chữ viết tay trên trang" in page
    assert 'class="mark-seal"' in page and "Con dấu" in page  # the generated extract's red seal
    # …and drawn on the scan: a box in percentages of the page, inside it.
    rect = re.search(r'<rect class="mark-seal" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"', page)
    assert rect, "the seal is drawn on the scan"
    x, y, w, h = map(float, rect.groups())
    assert 0 <= x and x + w <= 100.5 and 0 <= y and y + h <= 100.5 and w > 3 and h > 2


@pytest.mark.parametrize(("rotation", "expected"), [
    (0, (0.1, 0.2, 0.3, 0.5)),
    (180, (0.7, 0.5, 0.9, 0.8)),
    (90, (0.2, 0.7, 0.5, 0.9)),  # read turned clockwise: the scan's left edge was the read image's top
    (270, (0.5, 0.1, 0.8, 0.3)),
])
def test_a_mark_on_a_page_read_turned_is_placed_on_the_scan_as_stored(rotation, expected):
    got = on_scan(0.1, 0.2, 0.3, 0.5, rotation)
    assert got == pytest.approx(expected)
