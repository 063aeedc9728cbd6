"""One page of a source file as a Pillow image, its size checked before anything is decoded; a phone photo made
a flat page, and an open book's two pages taken apart when the batch holds spreads (ingest.photo); a scan's sheet
cut from a dark backing (ingest.backing)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image

from domain.errors import InputRejected
from domain.settings import Settings
from ingest import backing, images, pdf, pdftoppm, photo
from ingest.sources import IMAGE_TYPES, PDF, PHOTO_TYPES

# A scanner's JPEG kept as the page's image up to this size: our own quality-85 encoding of a colour A4 page at
# 300 dpi takes ≈ 0.14 byte a pixel; a scan written finer than ≈ 0.25 is encoded again rather than kept.
MAX_JPEG_BYTES_PER_PIXEL = 0.25
# An image file scanned finer than this many times ``settings.dpi`` is read at ``settings.dpi``, as a PDF's page
# is: at 600 dpi the official pages read 1.2–1.7 times as many characters wrong as at 300, in 2.3–2.7 times the time
# (docs/benchmarks.md, accuracy, session 48). A resolution above the finest a scanner gives is no scan's: the
# header is not believed.
FINER_THAN = 1.25
FINEST_SCAN_DPI = 2400


def render_page(path: Path, media_type: str, page: int, settings: Settings, *, spreads: bool = False) -> Image.Image:
    """1-based ``page`` as an RGB or L image: PDFs at ``settings.dpi``, TIFF frames, JPEG/PNG/WebP page 1,
    EXIF orientation applied; a photo of a page flattened (a JPEG, HEIC, PNG or WebP file, taken for a photo by
    what it shows: ingest.photo), a scan's sheet cut from a dark backing (ingest.backing). With
    ``spreads`` every page of the file is an open book's two pages: page 2k-1 is the left half of the file's page
    k, 2k its right (each half of a photo then straightened of its curl on its own: the lines bend towards the
    spine from both sides).
    Raises InputRejected for a page that is too large or cannot be rendered."""
    image = _render(path, media_type, (page + 1) // 2 if spreads else page, settings)
    flat = photo.flatten(image, spread=spreads, dpi=settings.dpi) if media_type in PHOTO_TYPES else image
    if flat is image:  # a scan, not a photo
        flat = image = backing.sheet(image)
    if not spreads:
        return flat
    left, right = photo.split_spread(flat)
    half = left if page % 2 else right
    return half if flat is image else Image.fromarray(photo.dewarp(np.asarray(half.convert("RGB"))), "RGB")


def page_jpeg(path: Path, media_type: str, page: int, settings: Settings, *, spreads: bool = False,
              size: tuple[int, int] | None = None) -> bytes | None:
    """The JPEG whose decoding ``render_page`` returned, as the scanner wrote it: a PDF page that is one JPEG
    image at ``settings.dpi`` (``ingest.pdf.scanned_jpeg``), no larger than a page kept as JPEG needs to be
    (:data:`MAX_JPEG_BYTES_PER_PIXEL`), and of ``size``, that of the page ``render_page`` returned (a sheet it
    cut from a dark backing is no longer the scanner's image, whose boxes would not fit it). ``None`` for every
    other page, which the caller encodes itself."""
    if media_type != PDF or spreads:
        return None
    try:
        jpeg = pdf.scanned_jpeg(path, page, settings.dpi, MAX_JPEG_BYTES_PER_PIXEL)
    except InputRejected:  # the page was rendered: it is encoded then, never failed here
        return None
    if jpeg is not None and size is not None:
        with Image.open(io.BytesIO(jpeg)) as im:  # the header only
            if im.size != size:
                return None
    return jpeg


def _render(path: Path, media_type: str, page: int, settings: Settings) -> Image.Image:
    if media_type == PDF:
        width, height = pdf.page_pixels(path, page, settings.dpi)
        if width * height > settings.max_image_pixels:
            raise InputRejected(
                f"Trang {page} ở {settings.dpi} dpi sẽ thành ảnh {width}×{height} điểm ảnh, "
                f"vượt giới hạn {settings.max_image_pixels} điểm ảnh.",
                code="image_too_large",
            )
        im = pdf.scanned_image(path, page, settings.dpi) or pdftoppm.render(path, page, settings.dpi)
        im = im if im.mode in ("RGB", "L") else im.convert("RGB")
        im.info["dpi"] = (settings.dpi, settings.dpi)  # the page's, whatever its JPEG header claims
        return im
    if media_type in IMAGE_TYPES:
        return _at_most(images.render_frame(path, page, settings.max_image_pixels), settings.dpi)
    raise InputRejected(f"Định dạng {media_type!r} không được hỗ trợ.", code="unsupported_type")


def _at_most(image: Image.Image, dpi: int) -> Image.Image:
    """``image`` at ``dpi`` where its file says it was scanned finer (by ``FINER_THAN``); otherwise as it is."""
    try:
        found = float(image.info.get("dpi", (0, 0))[0])
    except (TypeError, ValueError, IndexError):
        return image
    if not dpi * FINER_THAN < found <= FINEST_SCAN_DPI:
        return image
    size = (max(1, round(image.width * dpi / found)), max(1, round(image.height * dpi / found)))
    out = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=2.0)
    out.info["dpi"] = (dpi, dpi)
    return out
