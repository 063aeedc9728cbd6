"""One colour PDF per entry: its page (or the two pages an entry spans), each a JPEG small enough for the
national database's limit (about 100 kB per A4 page; we keep each page under ``PAGE_LIMIT``), under the page's
invisible text where the page was read into a text page (``ocr.searchable``): a copy whose words can be found and
copied, upright and level as the book's PDF shows it.

A page is compressed once however many entries it holds (a register page holds a dozen or more): first at
150 dpi and JPEG quality 55, then lower quality and resolution until it fits.
"""
from __future__ import annotations

import contextlib
import io

import pikepdf
from PIL import Image

from ocr import add_page, jpeg_image

PAGE_LIMIT = 150_000  # bytes per A4 page
_STEPS = ((150, 55), (150, 45), (150, 35), (120, 40), (100, 35), (72, 30))  # (dpi, JPEG quality), best first


def page_jpeg(image_bytes: bytes, dpi: int, limit: int = PAGE_LIMIT) -> tuple[bytes, float]:
    """The stored page image (rendered at ``dpi``) as a colour JPEG within ``limit``, and the dpi it has."""
    scaled: dict[int, Image.Image] = {}
    with Image.open(io.BytesIO(image_bytes)) as im:
        full_width = im.width
        # libjpeg decodes straight at 1/2, 1/4… of the size (DCT scaling): 300 → 150 dpi costs no resize.
        if im.format == "JPEG":
            im.draft("RGB", (im.width * 150 // dpi, im.height * 150 // dpi))
        image = im.convert("RGB")
    source_dpi = dpi * image.width / full_width
    for target, quality in _STEPS:
        if target not in scaled:
            scale = min(1.0, target / source_dpi)
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            scaled[target] = image.resize(size, Image.BILINEAR, reducing_gap=2.0) if scale < 1 else image
        buf = io.BytesIO()
        scaled[target].save(buf, "JPEG", quality=quality, optimize=True, dpi=(target, target))
        if buf.tell() <= limit - 2_000:  # the PDF's own objects take a little more
            break
    return buf.getvalue(), source_dpi * scaled[target].width / image.width


def entry_pdf(pages: list[tuple[bytes, float, bytes | None]], title: str) -> bytes:
    """A PDF of the given pages, each ``(jpeg, dpi, text page or None)``: the JPEG under the text page's words where
    there is one, otherwise drawn alone at its real size."""
    with pikepdf.Pdf.new() as pdf, contextlib.ExitStack() as texts:
        for jpeg, dpi, text in pages:
            if text is not None:
                add_page(pdf, text, jpeg, texts)
            else:
                _scan_alone(pdf, jpeg, dpi)
        pdf.docinfo["/Title"] = title
        pdf.docinfo["/Producer"] = "Sohoa"
        buf = io.BytesIO()
        pdf.save(buf, deterministic_id=True)
        return buf.getvalue()


def _scan_alone(pdf: pikepdf.Pdf, jpeg: bytes, dpi: float) -> None:
    """A page of ``jpeg`` alone, drawn at its real size at ``dpi``."""
    image, w, h = jpeg_image(pdf, jpeg)
    pw, ph = w * 72 / dpi, h * 72 / dpi
    content = pikepdf.Stream(pdf, f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode())
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, round(pw, 2), round(ph, 2)],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)), Contents=content)))
