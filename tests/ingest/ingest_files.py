"""Builders for good and bad input files, made on the fly in tmp_path."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from PIL import Image


def page(i: int = 0, size: tuple[int, int] = (200, 300)) -> Image.Image:
    im = Image.new("RGB", size, "white")
    im.paste((40 * i % 255, 0, 0), (10, 10, 60, 40))  # a mark so pages differ
    return im


def make_pdf(path: Path, pages: int = 3, size: tuple[int, int] = (200, 300), resolution: int = 100) -> Path:
    ims = [page(i, size) for i in range(pages)]
    ims[0].save(path, "PDF", save_all=True, append_images=ims[1:], resolution=resolution)
    return path


def make_tiff(path: Path, pages: int = 3) -> Path:
    ims = [page(i) for i in range(pages)]
    ims[0].save(path, "TIFF", save_all=True, append_images=ims[1:], compression="tiff_deflate")
    return path


def make_image(path: Path, fmt: str, size: tuple[int, int] = (200, 300)) -> Path:
    page(0, size).save(path, fmt)
    return path


def image_bytes(fmt: str, size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    page(0, size).save(buf, fmt)
    return buf.getvalue()


def make_zip(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path
