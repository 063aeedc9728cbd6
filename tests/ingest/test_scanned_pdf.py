"""A scanner's PDF page (one image over the whole page at the rendering dpi) is taken out as stored, not
rasterised by pdftoppm; every other page still goes through pdftoppm."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from PIL import Image, ImageDraw

from domain.settings import Settings
from ingest import page_jpeg, pdf, pdftoppm, render, render_page

PDF = "application/pdf"


def scan(mode: str, size: tuple[int, int] = (400, 300)) -> Image.Image:
    im = Image.new("L", size, 255)
    draw = ImageDraw.Draw(im)
    for i in range(10):
        draw.text((20, 20 + 25 * i), f"Dong {i}: ho ten, ngay sinh, noi sinh", fill=0)
    return im.convert(mode)


def scanned_pdf(path: Path, image: Image.Image, resolution: int = 100) -> Path:
    image.save(path, "PDF", resolution=resolution)  # Pillow writes what a scanner does: q w 0 0 h 0 0 cm /Im Do Q
    return path


def stored_pixels(path: Path) -> np.ndarray:
    """The page's image decoded straight from its stream (Pillow for JPEG; pikepdf for the rest)."""
    with pikepdf.open(path) as doc:
        xobject = next(iter(doc.pages[0].get_images().values()))
        if xobject.Filter == pikepdf.Name.DCTDecode:
            return np.asarray(Image.open(io.BytesIO(xobject.read_raw_bytes())))
        return np.asarray(pikepdf.PdfImage(xobject).as_pil_image().convert("L"))


def no_pdftoppm(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdftoppm, "render", lambda *a, **k: pytest.fail("pdftoppm was called"))


@pytest.mark.parametrize("mode", ["L", "RGB", "1"])  # JPEG grey, JPEG colour, CCITT G4 bilevel
def test_scanned_page_is_its_own_image(tmp_path: Path, mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf", scan(mode))
    settings = Settings(home=tmp_path, dpi=100)
    rendered = np.asarray(pdftoppm.render(path, 1, 100).convert("L"), dtype=int)
    no_pdftoppm(monkeypatch)
    image = render_page(path, PDF, 1, settings)
    assert image.info["dpi"] == (100, 100)
    assert image.mode == ("RGB" if mode == "RGB" else "L")
    assert np.array_equal(np.asarray(image), stored_pixels(path))
    # The same page pdftoppm draws, at the same size; pdftoppm only smooths it a little on the way.
    taken = np.asarray(image.convert("L"), dtype=int)
    assert taken.shape == rendered.shape
    assert np.abs(taken - rendered).mean() < 6


def test_a_sample_book_page_is_taken_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A4 at 300 dpi: the media box (595.2 × 841.92 pt) is 2480.000…1 px wide, which poppler rounds to 2480."""
    path = scanned_pdf(tmp_path / "a4.pdf", scan("L", (2480, 3508)), resolution=300)
    no_pdftoppm(monkeypatch)
    assert render_page(path, PDF, 1, Settings(home=tmp_path, dpi=300)).size == (2480, 3508)


def _edit(path: Path, change) -> Path:
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        change(doc, doc.pages[0])
        doc.save(path)
    return path


def _text_on_top(doc: pikepdf.Pdf, page: pikepdf.Page) -> None:
    page.contents_add(pikepdf.Stream(doc, b"BT /F1 12 Tf 10 10 Td (x) Tj ET"), prepend=False)


def _rotated(doc: pikepdf.Pdf, page: pikepdf.Page) -> None:
    page.Rotate = 90


def _masked(doc: pikepdf.Pdf, page: pikepdf.Page) -> None:
    xobject = next(iter(page.get_images().values()))
    xobject.Decode = pikepdf.Array([1, 0])


def _half_page(doc: pikepdf.Pdf, page: pikepdf.Page) -> None:
    page.Contents = pikepdf.Stream(doc, b"q 144 0 0 108 0 0 cm /image Do Q")


@pytest.mark.parametrize("change", [_text_on_top, _rotated, _masked, _half_page])
def test_other_pages_go_to_pdftoppm(tmp_path: Path, change) -> None:
    path = _edit(scanned_pdf(tmp_path / "scan.pdf", scan("L")), change)
    assert pdf.scanned_image(path, 1, 100) is None
    assert render_page(path, PDF, 1, Settings(home=tmp_path, dpi=100)).size == pdftoppm.render(path, 1, 100).size


def test_another_resolution_goes_to_pdftoppm(tmp_path: Path) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf", scan("L"), resolution=100)
    assert pdf.scanned_image(path, 1, 150) is None
    assert render_page(path, PDF, 1, Settings(home=tmp_path, dpi=150)).size == (600, 450)


def _jpeg_bytes(path: Path) -> bytes:
    with pikepdf.open(path) as doc:
        return next(iter(doc.pages[0].get_images().values())).read_raw_bytes()


@pytest.mark.parametrize("mode", ["L", "RGB"])
def test_a_scanned_jpeg_is_kept_as_the_page_image(tmp_path: Path, mode: str) -> None:
    # The bytes the scanner wrote, whose decoding is exactly the image the pipeline reads.
    path = scanned_pdf(tmp_path / "scan.pdf", scan(mode))
    settings = Settings(home=tmp_path, dpi=100)
    kept = page_jpeg(path, PDF, 1, settings)
    assert kept == _jpeg_bytes(path)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(kept))), np.asarray(render_page(path, PDF, 1, settings)))


def test_a_scanned_page_on_a_black_backing_is_cut_and_its_jpeg_not_kept(tmp_path: Path) -> None:
    """A scanner's PDF page whose sheet lies on the feeder's black plate: the page read is the sheet cut out
    (ingest.backing), so the scanner's JPEG, the whole bed, is not the page's image (its boxes would not fit it);
    a page with no backing keeps its JPEG."""
    bed = Image.new("L", (440, 340), 12)
    bed.paste(scan("L"), (20, 20))
    path = scanned_pdf(tmp_path / "backed.pdf", bed.convert("RGB"))
    settings = Settings(home=tmp_path, dpi=100)
    image = render_page(path, PDF, 1, settings)
    assert image.width < 410 and image.height < 310
    assert page_jpeg(path, PDF, 1, settings, size=image.size) is None
    plain = scanned_pdf(tmp_path / "plain.pdf", scan("RGB"))
    assert page_jpeg(plain, PDF, 1, settings, size=render_page(plain, PDF, 1, settings).size) == _jpeg_bytes(plain)


def _exif_turned(path: Path) -> Path:
    buf = io.BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # "turn 90° to show": a browser would, the pipeline does not
    scan("L").save(buf, "JPEG", exif=exif)
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        xobject = next(iter(doc.pages[0].get_images().values()))
        xobject.write(buf.getvalue(), filter=pikepdf.Name.DCTDecode)
        doc.save(path)
    return path


def _arithmetic_coded(path: Path) -> Path:
    # The frame marker of a JPEG whose entropy coding is arithmetic (SOF9): decoders differ, browsers refuse it.
    with pikepdf.open(path, allow_overwriting_input=True) as doc:
        xobject = next(iter(doc.pages[0].get_images().values()))
        raw = bytearray(xobject.read_raw_bytes())
        raw[raw.index(b"\xff\xc0") + 1] = 0xC9
        xobject.write(bytes(raw), filter=pikepdf.Name.DCTDecode)
        doc.save(path)
    return path


@pytest.mark.parametrize("case", ["bilevel", "text on top", "spreads", "EXIF turn", "arithmetic", "too large",
                                  "another dpi"])
def test_other_pages_are_encoded_by_the_pipeline(tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = scanned_pdf(tmp_path / "scan.pdf", scan("1" if case == "bilevel" else "L"))
    if case == "text on top":
        _edit(path, _text_on_top)
    if case == "EXIF turn":
        _exif_turned(path)
    if case == "arithmetic":
        _arithmetic_coded(path)
    if case == "too large":
        monkeypatch.setattr(render, "MAX_JPEG_BYTES_PER_PIXEL", len(_jpeg_bytes(path)) / (400 * 300) - 0.01)
    settings = Settings(home=tmp_path, dpi=150 if case == "another dpi" else 100)
    assert page_jpeg(path, PDF, 1, settings, spreads=case == "spreads") is None
