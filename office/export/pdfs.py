"""One colour PDF per entry: its page (or the two pages an entry spans), each a JPEG small enough for the
national database's limit (about 100 kB per A4 page; we keep each page under ``PAGE_LIMIT``).

A page is compressed once however many entries it holds (a register page holds a dozen or more): first at
150 dpi and JPEG quality 60, then lower quality and resolution until it fits.
"""
from __future__ import annotations

import io

import pikepdf
from PIL import Image

PAGE_LIMIT = 150_000  # bytes per A4 page
_STEPS = ((150, 60), (150, 45), (120, 45), (110, 35), (96, 30), (72, 25))  # (dpi, JPEG quality), best first


def page_jpeg(image_bytes: bytes, dpi: int) -> tuple[bytes, int]:
    """The stored page image (rendered at ``dpi``) as a colour JPEG within the limit, and the dpi it has."""
    with Image.open(io.BytesIO(image_bytes)) as im:
        image = im.convert("RGB")
    for target, quality in _STEPS:
        scale = min(1.0, target / dpi)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        small = image.resize(size, Image.LANCZOS) if scale < 1 else image
        buf = io.BytesIO()
        small.save(buf, "JPEG", quality=quality, optimize=True, progressive=False, dpi=(target, target))
        if buf.tell() <= PAGE_LIMIT - 2_000:  # the PDF's own objects take a little more
            return buf.getvalue(), round(dpi * scale)
    return buf.getvalue(), round(dpi * scale)


def entry_pdf(pages: list[tuple[bytes, int, int, int]], title: str) -> bytes:
    """A PDF of the given pages, each ``(jpeg, width px, height px, dpi)``, drawn at its real size."""
    pdf = pikepdf.Pdf.new()
    for jpeg, w, h, dpi in pages:
        xobject = pikepdf.Stream(pdf, jpeg)
        xobject.Type, xobject.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
        xobject.Width, xobject.Height, xobject.BitsPerComponent = w, h, 8
        xobject.ColorSpace, xobject.Filter = pikepdf.Name.DeviceRGB, pikepdf.Name.DCTDecode
        pw, ph = w * 72 / dpi, h * 72 / dpi
        content = pikepdf.Stream(pdf, f"q {pw:.2f} 0 0 {ph:.2f} 0 0 cm /Im0 Do Q".encode())
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[0, 0, round(pw, 2), round(ph, 2)],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=xobject)), Contents=content)))
    pdf.docinfo["/Title"] = title
    pdf.docinfo["/Producer"] = "Sohoa"
    buf = io.BytesIO()
    pdf.save(buf, deterministic_id=True)
    return buf.getvalue()


def jpeg_size(jpeg: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(jpeg)) as im:
        return im.size
