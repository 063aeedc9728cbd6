"""Whole sample books: records → rendered pages → scan artefacts → a PDF / TIFF / image folder + truth JSON.

Pages are written as they are made (the PDF is assembled from per-page JPEG streams, like a scanner or
img2pdf does), so a long book does not hold every page image in memory.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pikepdf
from PIL import Image, TiffImagePlugin

from samples.degrade import degrade, level, stamp_overlap
from samples.forms import layout
from samples.records import RECORD_TYPES, Record, generate
from samples.register_book import REGISTER_TYPES, register_pages
from samples.render import DPI, render

FORMATS = ("pdf", "tiff", "png", "jpeg")
BOOK_TYPES = (*RECORD_TYPES, "mixed")
LAYOUTS = ("form", "register")
PAGE_JPEG_QUALITY = 90


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    record: Record
    image: Image.Image
    text: str

    def truth(self) -> dict[str, Any]:
        return {
            "page": self.number,
            "type": self.record.type,
            "record_id": self.record.record_id,
            "fields": self.record.fields,
            "text": self.text,
        }


@dataclass(slots=True)
class Book:
    name: str
    paths: list[Path]  # the PDF or TIFF, or one image per page
    truth_path: Path
    truth: dict[str, Any]

    @property
    def path(self) -> Path:
        """The book's one file (PDF, TIFF), or the folder of its page images."""
        return (
            self.paths[0]
            if len(self.paths) == 1 and self.paths[0].suffix in (".pdf", ".tiff")
            else self.paths[0].parent
        )

    @property
    def pages(self) -> list[dict[str, Any]]:
        return self.truth["pages"]


def render_pages(
    record_type: str = "birth",
    pages: int = 10,
    seed: int = 0,
    degradation: str = "moderate",
    data_dir: Path | None = None,
    start: int = 0,
) -> Iterator[Page]:
    """The book's pages one at a time; page ``i`` uses its own generator seeded by (seed, i). ``start``: the
    first page's index (the records before it are drawn, their pages not rendered)."""
    if record_type not in BOOK_TYPES:
        raise ValueError(f"unknown record type {record_type!r}; choose one of {', '.join(BOOK_TYPES)}")
    level(degradation)  # fail early on a bad name
    kind = None if record_type == "mixed" else record_type
    for i, record in enumerate(generate(start + pages, seed, kind, data_dir)):
        if i < start:
            continue
        rng = np.random.default_rng([seed, i])
        page = render(layout(record), rng, stamp_overlap(degradation, rng))
        yield Page(i + 1, record, degrade(page.image, degradation, rng), page.text)


def generate_book(
    out_dir: Path,
    record_type: str = "birth",
    pages: int = 10,
    seed: int = 0,
    degradation: str = "moderate",
    fmt: str = "pdf",
    data_dir: Path | None = None,
    name: str | None = None,
    layout: str = "form",
    hand: bool = False,
) -> Book:
    """Write ``<name>.pdf`` / ``<name>.tiff`` / ``<name>/page-0001.png`` … and ``<name>.truth.json``.

    ``layout`` "form": one extract or certificate per page; "register": a register book, a table of entries on
    each page (samples.register_book); ``hand``: a register written by hand (samples.handwriting)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if pages < 1:
        raise ValueError("a book needs at least one page")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; choose one of {', '.join(LAYOUTS)}")
    if layout == "register" and record_type not in REGISTER_TYPES:
        raise ValueError(f"register books are made for {', '.join(REGISTER_TYPES)}, not {record_type!r}")
    if hand and layout != "register":
        raise ValueError("only register books are made handwritten (layout 'register')")
    kind = "-register-hand" if hand else "-register" if layout == "register" else ""
    name = name or f"{record_type}{kind}-{degradation}-s{seed}"
    if layout == "register":
        stream = register_pages(record_type, pages, seed, degradation, data_dir, hand=hand)
    else:
        stream = render_pages(record_type, pages, seed, degradation, data_dir)
    truth_pages: list[dict[str, Any]] = []

    def collect() -> Iterator[Image.Image]:
        for page in stream:
            truth_pages.append(page.truth())
            yield page.image

    if fmt == "pdf":
        paths = [_write_pdf(out_dir / f"{name}.pdf", collect())]
    elif fmt == "tiff":
        paths = [_write_tiff(out_dir / f"{name}.tiff", collect(), degradation == "clean")]
    else:
        paths = _write_images(out_dir / name, collect(), fmt)
    truth = {
        "book": name,
        "record_type": record_type,
        "layout": layout,
        "hand": hand,
        "seed": seed,
        "degradation": degradation,
        "format": fmt,
        "dpi": DPI,
        "files": [p.name for p in paths],
        "pages": truth_pages,
    }
    truth_path = out_dir / f"{name}.truth.json"
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return Book(name, paths, truth_path, truth)


def _jpeg(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=PAGE_JPEG_QUALITY, dpi=(DPI, DPI))
    return buf.getvalue()


def _write_pdf(path: Path, images: Iterator[Image.Image]) -> Path:
    """One page per image, each an embedded JPEG (DCTDecode) filling an A4 media box at 300 dpi."""
    pdf = pikepdf.Pdf.new()
    for image in images:
        w, h = image.size
        xobject = pikepdf.Stream(pdf, _jpeg(image))
        xobject.Type = pikepdf.Name.XObject
        xobject.Subtype = pikepdf.Name.Image
        xobject.Width, xobject.Height, xobject.BitsPerComponent = w, h, 8
        xobject.ColorSpace = pikepdf.Name.DeviceGray if image.mode == "L" else pikepdf.Name.DeviceRGB
        xobject.Filter = pikepdf.Name.DCTDecode
        pw, ph = w * 72 / DPI, h * 72 / DPI
        content = pikepdf.Stream(pdf, f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode())
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, round(pw, 2), round(ph, 2)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)),
            Contents=content,
        )
        pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo["/Producer"] = "Sohoa sample generator"
    pdf.save(path, deterministic_id=True)
    return path


def _write_tiff(path: Path, images: Iterator[Image.Image], lossless: bool) -> Path:
    options = {"compression": "tiff_lzw"} if lossless else {"compression": "jpeg", "quality": PAGE_JPEG_QUALITY}
    with TiffImagePlugin.AppendingTiffWriter(str(path), new=True) as tiff:
        for image in images:
            image.save(tiff, "TIFF", dpi=(DPI, DPI), **options)
            tiff.newFrame()
    return path


def _write_images(folder: Path, images: Iterator[Image.Image], fmt: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, image in enumerate(images, start=1):
        path = folder / f"page-{i:04d}.{'png' if fmt == 'png' else 'jpg'}"
        if fmt == "png":
            image.save(path, "PNG", dpi=(DPI, DPI), compress_level=3)
        else:
            image.save(path, "JPEG", quality=PAGE_JPEG_QUALITY, dpi=(DPI, DPI))
        paths.append(path)
    return paths
