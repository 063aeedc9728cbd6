"""Raster files through Pillow: header-only checks for intake, decoding for rendering."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from domain.errors import InputRejected

# Pillow raises these for bad data: unknown format, truncated stream, bad header fields.
_DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


def _corrupt(detail: object) -> InputRejected:
    return InputRejected(f"Tệp ảnh bị hỏng, không đọc được ({detail}).", code="image_corrupt")


def _too_large(width: int, height: int, limit: int) -> InputRejected:
    return InputRejected(
        f"Ảnh quá lớn: {width}×{height} điểm ảnh, vượt giới hạn {limit} điểm ảnh.",
        code="image_too_large",
    )


@cache
def _register_heif() -> None:
    # Registered on first use rather than at import: Pillow then opens HEIC like any other format.
    import pillow_heif

    pillow_heif.register_heif_opener()


@contextmanager
def open_image(path: Path) -> Iterator[Image.Image]:
    """Open lazily (header only). Pillow's own bomb guard (DecompressionBombError) becomes image_too_large."""
    _register_heif()
    try:
        im = Image.open(path)
    except Image.DecompressionBombError as exc:
        raise InputRejected(f"Ảnh quá lớn, nghi là ảnh độc hại ({exc}).", code="image_too_large") from None
    except _DECODE_ERRORS as exc:
        raise _corrupt(exc) from None
    with im:
        yield im


def check_frame(im: Image.Image, max_pixels: int) -> None:
    width, height = im.size
    if width * height > max_pixels:
        raise _too_large(width, height, max_pixels)


def frame_count(path: Path, max_pixels: int, max_pages: int) -> int:
    """Number of frames (TIFF pages), checking every frame's declared size; PNG CRCs are verified too."""
    with open_image(path) as im:
        try:
            count = getattr(im, "n_frames", 1) if im.format == "TIFF" else 1
            if count > max_pages:
                raise InputRejected(
                    f"Tệp TIFF có {count} trang, vượt giới hạn {max_pages} trang.", code="too_many_pages"
                )
            for frame in range(count):
                im.seek(frame)
                check_frame(im, max_pixels)
            if im.format == "PNG":
                im.verify()  # chunk CRCs, no decompression
        except _DECODE_ERRORS as exc:
            raise _corrupt(exc) from None
    return count


def _to_rgb_or_l(im: Image.Image) -> Image.Image:
    if im.mode in ("RGB", "L"):
        return im
    if im.mode == "1":
        return im.convert("L")
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I", "F"):
        arr = np.asarray(im, dtype=np.float64)
        peak = 65535.0 if im.mode.startswith("I;16") else max(float(arr.max()), 1.0)
        return Image.fromarray(np.clip(arr * 255.0 / peak, 0, 255).astype(np.uint8), "L")
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return im.convert("RGB")


def render_frame(path: Path, page: int, max_pixels: int) -> Image.Image:
    """Decode a 1-based frame, apply EXIF orientation, return RGB or L. Size checked before decoding."""
    with open_image(path) as im:
        count = getattr(im, "n_frames", 1) if im.format == "TIFF" else 1
        if not 1 <= page <= count:
            raise InputRejected(f"Tệp ảnh không có trang {page}.", code="page_out_of_range")
        try:
            im.seek(page - 1)
            check_frame(im, max_pixels)
            im.load()
            upright = ImageOps.exif_transpose(im)
            return _to_rgb_or_l(upright)
        except _DECODE_ERRORS as exc:
            raise _corrupt(exc) from None
