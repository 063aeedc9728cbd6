"""Scanned stacks for the capture tests: separator sheets printed and scanned (a slight turn, noise), and small
pages of Vietnamese text that OCR reads quickly. Deterministic: seeded noise, fonts the project installs. And
waiting for a batch the server processes in the background."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ingest.pdftoppm import render
from office.capture.book import book_meta
from office.capture.separator import FONT_DIR, write_sheet

DPI = 100  # page images and SOHOA_DPI for the watcher: a small raster keeps Tesseract quick


def sheet_scan(tmp: Path, record_type: str, book: str, authority: str, years: str, *, seed: int = 0,
               dpi: int = 150, angle: float = 1.5) -> Image.Image:
    """A separator sheet as it comes back from a scanner: rasterised, turned a little, with sensor noise."""
    pdf = write_sheet(book_meta(record_type, book, authority, years, need_book=True), tmp / f"sheet-{seed}.pdf")
    im = render(pdf, 1, dpi).convert("L").rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    noise = np.random.default_rng(seed).normal(0, 12, (im.height, im.width))
    return Image.fromarray(np.clip(np.asarray(im, dtype=np.float64) + noise, 0, 255).astype(np.uint8), "L")


def text_page(title: str, lines: int = 4) -> Image.Image:
    """An A4 page at DPI with a few lines of Vietnamese text."""
    im = Image.new("L", (827, 1169), 255)
    draw = ImageDraw.Draw(im)
    font = ImageFont.truetype(f"{FONT_DIR}/DejaVuSans.ttf", 22)
    draw.text((80, 90), title, font=font, fill=0)
    for i in range(lines):
        draw.text((80, 160 + 50 * i), f"Dòng {i + 1}: Nguyễn Văn An sinh năm 1998 tại Đà Nẵng", font=font, fill=0)
    return im


def save_pdf(images: list[Image.Image], path: Path) -> Path:
    images[0].save(path, "PDF", save_all=True, append_images=images[1:], resolution=DPI)
    return path


def wait_finished(client, batch_id: str, timeout: float = 600) -> dict:
    """The batch's report once the server's background processing has finished it."""
    deadline = time.monotonic() + timeout
    rep: dict = {}
    while time.monotonic() < deadline:
        rep = client.get(f"/api/v1/batches/{batch_id}").json()
        if rep["finished"]:
            return rep
        time.sleep(0.5)
    raise AssertionError(f"batch {batch_id} not finished: {rep}")
