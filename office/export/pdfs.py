"""One colour PDF per entry: its page (or the two pages an entry spans), each a JPEG small enough for the
national database's limit (about 100 kB per A4 page; we keep each page under ``PAGE_LIMIT``).

A page is compressed once however many entries it holds (a register page holds a dozen or more): first at
150 dpi and JPEG quality 55, then lower quality and resolution until it fits.
"""
from __future__ import annotations

import io

import pikepdf
from PIL import Image

PAGE_LIMIT = 150_000  # bytes per A4 page
_STEPS = ((150, 55), (150, 45), (150, 35), (120, 40), (100, 35), (72, 30))  # (dpi, JPEG quality), best first


def page_jpeg(image_bytes: bytes, dpi: int) -> tuple[bytes, float]:
    """The stored page image (rendered at ``dpi``) as a colour JPEG within the limit, and the dpi it has."""
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
        if buf.tell() <= PAGE_LIMIT - 2_000:  # the PDF's own objects take a little more
            break
    return buf.getvalue(), source_dpi * scaled[target].width / image.width


def entry_pdf(pages: list[tuple[bytes, int, int, float]], title: str) -> bytes:
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
