"""A searchable page: the scan as stored, under the invisible text of its read.

Tesseract's PDF renderer draws the image it read: the grey page with its seals, stamps, signatures and pen values
washed out, turned upright and levelled. A book's copy must show the page as it is, red seal and all, so Tesseract
writes the text layer alone (``textonly_pdf``) and the stored scan is drawn under it, carried into the read's
frame by the turn and skew that made the read image of it (``ocr.preprocess.straightened``, then a half turn for
a page read upside down). The scan's JPEG goes in as it is, not decoded and encoded again, and only when a book is
made: each page is stored as its text and where its scan goes (``text_page``), its scan added from the stored page
image (``with_scan``).

The text is the page's words as we read them (corrected, the marks' words left out), not Tesseract's: its text
layer gives the page and its invisible font, and the words are drawn again in that font, each stretched over its
box (``Tz``), a line's words on its baseline and as tall as its words. As nothing of Tesseract's text is kept, its
PDF renderer is not run with every read (≈ 50 ms of CPU a page, a twentieth of the read): it writes the text layer
of a blank image once, and each page's is that one given the page's size (``text_layer``).
"""
from __future__ import annotations

import contextlib
import functools
import io
import statistics
import subprocess
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from pathlib import Path

import cv2
import numpy as np
import pikepdf
from PIL import Image

from ocr.tesseract import run_tesseract
from ocr.words import Word

_SPACES = {"L": pikepdf.Name.DeviceGray, "RGB": pikepdf.Name.DeviceRGB}
SCAN = "Scan"  # the scan's name in a page's resources
# Pages a book holds in memory while it is written: pikepdf's qpdf copies a page's scan into the book when it is
# added and keeps it till the book is saved (pikepdf asks qpdf to copy at once, so that a source may be closed
# early), so a book is written in parts of this many, which qpdf's own program joins, reading each scan from its
# part's file as it writes (docs/benchmarks.md, book_pdf: poppler's pdfunite took 12 times as long).
BOOK_PART = 32


def text_layer(width: int, height: int, *, dpi: int, lang: str) -> bytes:
    """The text layer (Tesseract's text-only PDF, its own text left out) of an image ``width`` × ``height`` pixels
    at ``dpi``: the page that ``text_page`` draws the words on, in its font."""
    with pikepdf.open(io.BytesIO(_blank_layer(lang))) as pdf:
        page = pdf.pages[0]
        page.MediaBox = pikepdf.Array([0, 0, width * 72 / dpi, height * 72 / dpi])  # points, as Tesseract's
        page.Contents = pdf.make_stream(b"")
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


@functools.cache
def _blank_layer(lang: str) -> bytes:
    pdf = run_tesseract(Image.new("L", (16, 16), 255), lang=lang, timeout_s=60, want_pdf=True, dpi=72).pdf
    assert pdf is not None  # (a read that fails raises)
    return pdf


def read_frame(width: int, height: int, rotation: int, angle: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The 3×3 map from a scan's pixels (``width`` × ``height``, y down) to those of the image read from it, and
    that image's size: turned 90° clockwise for ``rotation`` 90 or 270, levelled by ``angle``° counter-clockwise
    with the whole page kept (``preprocess.rotate``), then turned 180° for ``rotation`` 180 or 270."""
    m, w, h = np.eye(3), width, height
    if rotation in (90, 270):
        m, w, h = np.array([[0.0, -1.0, h], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]) @ m, h, w
    if angle:
        r = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        cos, sin = abs(r[0, 0]), abs(r[0, 1])
        nw, nh = int(h * sin + w * cos), int(h * cos + w * sin)
        r[0, 2] += nw / 2 - w / 2
        r[1, 2] += nh / 2 - h / 2
        m, w, h = np.vstack([r, [0.0, 0.0, 1.0]]) @ m, nw, nh
    if rotation in (180, 270):
        m = np.array([[-1.0, 0.0, w], [0.0, -1.0, h], [0.0, 0.0, 1.0]]) @ m
    return m, (w, h)


def _drawn(words: Sequence[Word], font: str, sx: float, sy: float, top: float) -> bytes:
    """``words`` (boxes in the read's pixels) as invisible text (render mode 3) in ``font``, whose glyphs are half
    an em wide and one tall above the baseline (Tesseract's GlyphLessFont); ``sx``, ``sy``: points a pixel."""
    lines: dict[int, list[Word]] = {}
    for w in words:
        if w.text and w.width > 0 and w.height > 0:
            lines.setdefault(w.line, []).append(w)
    ops = ["BT", "3 Tr"]
    for _, line in sorted(lines.items()):
        line.sort(key=lambda w: w.left)
        size = statistics.median(w.height for w in line) * sy
        base = top - statistics.median(w.top + w.height for w in line) * sy
        ops.append(f"/{font} {size:.2f} Tf")
        for k, w in enumerate(line):
            text = w.text + (" " if k < len(line) - 1 else "")  # a space the copied text keeps
            stretch = 100 * w.width * sx / (len(w.text) * 0.5 * size)
            glyphs = text.encode("utf-16-be").hex()  # the font's code is the character's (Identity-H, its ToUnicode)
            ops.append(f"{stretch:.2f} Tz 1 0 0 1 {w.left * sx:.2f} {base:.2f} Tm <{glyphs}> Tj")
    ops.append("ET")
    return "\n".join(ops).encode()


def text_page(text_layer: bytes, words: Sequence[Word], scan_size: tuple[int, int], rotation: int,
              angle: float) -> bytes:
    """``text_layer``'s page (Tesseract's text-only PDF of the read image) with ``words`` (the read's, boxes in the
    read image's pixels) drawn in its font, and where the scan goes under them: the stored page image, of
    ``scan_size``, of which the read image was made by ``rotation`` and ``angle``. The scan itself is added by
    ``with_scan`` when a book is made: stored with each page, it would be one more copy of every image."""
    pdf = pikepdf.open(io.BytesIO(text_layer))
    page = pdf.pages[0]
    x0, y0, x1, y1 = (float(v) for v in page.mediabox)
    width, height = scan_size
    to_read, (w, h) = read_frame(width, height, rotation, angle)
    # scan's unit square (PDF image space: y up) → its pixels → the read's pixels → the page's points (y up)
    unit = np.array([[width, 0.0, 0.0], [0.0, -height, height], [0.0, 0.0, 1.0]])
    points = np.array([[(x1 - x0) / w, 0.0, x0], [0.0, -(y1 - y0) / h, y1], [0.0, 0.0, 1.0]])
    t = points @ to_read @ unit
    cm = " ".join(f"{v:.6f}" for v in (t[0, 0], t[1, 0], t[0, 1], t[1, 1], t[0, 2], t[1, 2]))
    [font] = page.Resources.Font.keys()
    drawn = f"q {cm} cm /{SCAN} Do Q\n".encode() + _drawn(words, font.lstrip("/"), (x1 - x0) / w, (y1 - y0) / h, y1)
    page.Contents = pdf.make_stream(drawn)
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


def awaits_scan(page: pikepdf.Page) -> bool:
    """A ``text_page``, not a page stored before them (which carries Tesseract's image of the read)."""
    return pikepdf.Name.XObject not in page.Resources


def text_page_of(stored: bytes | None) -> bytes | None:
    """A page's stored PDF if it is a text page awaiting its scan (``text_page``); None for one stored before text
    pages, which carries Tesseract's own image of the read (grey, marks washed, and large)."""
    if stored is None:
        return None
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        return stored if awaits_scan(pdf.pages[0]) else None


def add_page(book: pikepdf.Pdf, text_page: bytes, scan_jpeg: bytes, keep: contextlib.ExitStack) -> None:
    """Append ``text_page`` to ``book`` with its scan under it. The text page's PDF is kept open in ``keep`` until
    ``book`` is written: its font is read from it then."""
    book.pages.extend(keep.enter_context(pikepdf.Pdf.open(io.BytesIO(text_page))).pages)
    with_scan(book, book.pages[-1], scan_jpeg)


def write_book(pages: Iterable[tuple[Callable[[], bytes], Callable[[], bytes]]], path: Path) -> int:
    """Write the book of ``pages`` (each its text page and its scan JPEG, read when the page's part is written) to
    ``path``; its parts are written beside it first. Returns the number of pages."""
    pages, parts, count = iter(pages), [], 0
    while part := list(islice(pages, BOOK_PART)):
        parts.append(path.parent / f"{path.stem}-part{len(parts):05d}.pdf")
        with pikepdf.Pdf.new() as pdf, contextlib.ExitStack() as texts:
            for text, scan in part:
                add_page(pdf, text(), scan(), texts)
            pdf.save(parts[-1], deterministic_id=True)
        count += len(part)
    if len(parts) == 1:
        parts[0].replace(path)
    elif parts:
        joined = subprocess.run(["qpdf", "--deterministic-id", "--empty", "--pages", *map(str, parts), "--", str(path)],
                                capture_output=True, check=False)
        for p in parts:
            p.unlink()
        if joined.returncode not in (0, 3):  # 3: written, with warnings
            raise RuntimeError(f"qpdf: {joined.stderr.decode(errors='replace').strip()}")
    return count


def place_page(pdf: pikepdf.Pdf, page: pikepdf.Page, text_page: bytes, scan_jpeg: bytes,
               rect: tuple[float, float, float, float], keep: contextlib.ExitStack) -> None:
    """Draw a ``text_page`` with its scan on ``page`` of ``pdf``, under what the page holds, fitted into ``rect``
    (x0, y0, x1, y1 in points): a page of another document (a certified copy) that shows the scan searchable."""
    add_page(pdf, text_page, scan_jpeg, keep)
    page.add_underlay(pdf.pages[-1], pikepdf.Rectangle(*rect))
    del pdf.pages[-1]


def with_scan(pdf: pikepdf.Pdf, page: pikepdf.Page, scan_jpeg: bytes) -> None:
    """Give a ``text_page`` (of ``pdf``) its scan, the JPEG's bytes as they are (a page stored before text pages
    is left as it is)."""
    if awaits_scan(page):
        page.Resources.XObject = pikepdf.Dictionary({f"/{SCAN}": jpeg_image(pdf, scan_jpeg)[0]})


def jpeg_image(pdf: pikepdf.Pdf, jpeg: bytes) -> tuple[pikepdf.Stream, int, int]:
    """``jpeg`` as an image of ``pdf``, its bytes as they are (another image, or a CMYK JPEG, made an RGB JPEG
    once), and its width and height in pixels."""
    with Image.open(io.BytesIO(jpeg)) as im:
        width, height, mode, fmt = im.width, im.height, im.mode, im.format
        if fmt != "JPEG" or mode not in _SPACES:  # (a CMYK scanner JPEG: rare, and inverted in some readers)
            buf = io.BytesIO()
            im.convert("RGB").save(buf, "JPEG", quality=85)
            jpeg, mode = buf.getvalue(), "RGB"
    image = pikepdf.Stream(pdf, jpeg, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=width,
                           Height=height, BitsPerComponent=8, ColorSpace=_SPACES[mode], Filter=pikepdf.Name.DCTDecode)
    return image, width, height
