"""render_page: pixel sizes at a dpi, frames, EXIF orientation, modes, and refusals before decoding."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from ingest_files import make_image, make_pdf, make_tiff, page
from pdf2image.exceptions import PDFPopplerTimeoutError
from PIL import Image

from domain.errors import InputRejected
from domain.settings import Settings
from ingest import pdftoppm, render_page


def refused(path: Path, media_type: str, page_no: int, settings: Settings) -> str:
    with pytest.raises(InputRejected) as err:
        render_page(path, media_type, page_no, settings)
    return err.value.code


@pytest.mark.parametrize("dpi", [100, 150])
def test_pdf_page_at_dpi(tmp_path: Path, dpi: int) -> None:
    path = make_pdf(tmp_path / "a.pdf", pages=3, size=(200, 300), resolution=100)  # 144×216 pt
    im = render_page(path, "application/pdf", 2, Settings(home=tmp_path, dpi=dpi))
    assert im.mode in ("RGB", "L") and im.size == (200 * dpi // 100, 300 * dpi // 100)


def test_pdf_page_too_large_is_refused_before_pdftoppm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_pdf(tmp_path / "a.pdf", pages=1)
    monkeypatch.setattr(pdftoppm, "convert_from_path", lambda *a, **k: pytest.fail("pdftoppm was called"))
    settings = Settings(home=tmp_path, dpi=1200, max_image_pixels=8_000_000)  # 2400×3600 at 1200 dpi
    assert refused(path, "application/pdf", 1, settings) == "image_too_large"


def test_pdf_with_huge_mediabox(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_pdf(tmp_path / "a.pdf", pages=2)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[1].mediabox = [0, 0, 14_400, 14_400]  # 200 inches square: 20000×20000 px at 100 dpi
        pdf.save(path)
    assert render_page(path, "application/pdf", 1, settings).size == (200, 300)
    monkeypatch.setattr(pdftoppm, "convert_from_path", lambda *a, **k: pytest.fail("pdftoppm was called"))
    assert refused(path, "application/pdf", 2, settings) == "image_too_large"


def test_pdf_render_timeout(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    def slow(*args: object, **kwargs: object) -> None:
        assert kwargs["first_page"] == kwargs["last_page"] == 1 and kwargs["timeout"]
        raise PDFPopplerTimeoutError("Run poppler timeout.")

    monkeypatch.setattr(pdftoppm, "convert_from_path", slow)
    # Drawn at 72 dpi, rendered at 100: pdftoppm's work (a page at the rendering dpi is taken out as stored).
    path = make_pdf(tmp_path / "a.pdf", pages=1, resolution=72)
    assert refused(path, "application/pdf", 1, settings) == "page_render_timeout"


def test_page_out_of_range(tmp_path: Path, settings: Settings) -> None:
    assert refused(make_pdf(tmp_path / "a.pdf", pages=2), "application/pdf", 3, settings) == "page_out_of_range"
    assert refused(make_tiff(tmp_path / "a.tif", pages=2), "image/tiff", 3, settings) == "page_out_of_range"
    assert refused(make_image(tmp_path / "a.png", "PNG"), "image/png", 2, settings) == "page_out_of_range"


def test_tiff_frames(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "a.tif"
    page(0, (100, 50)).save(path, save_all=True, append_images=[page(1, (120, 80)), page(2, (30, 40))])
    assert [render_page(path, "image/tiff", n, settings).size for n in (1, 2, 3)] == [(100, 50), (120, 80), (30, 40)]


def test_jpeg_exif_orientation_applied(tmp_path: Path, settings: Settings) -> None:
    im = Image.new("RGB", (200, 100), "white")
    im.paste((0, 0, 0), (0, 0, 40, 40))  # black square top-left as stored
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display needs 90° clockwise
    path = tmp_path / "rot.jpg"
    im.save(path, "JPEG", exif=exif, quality=95)
    out = render_page(path, "image/jpeg", 1, settings)
    assert out.size == (100, 200)
    assert max(out.convert("L").getpixel((95, 5)), 0) < 60  # the square is now top-right
    assert out.convert("L").getpixel((5, 5)) > 200


@pytest.mark.parametrize("dpi, size", [(600, (100, 150)), (400, (150, 225)), (360, (200, 300)),
                                       (300, (200, 300)), (None, (200, 300)), (9600, (200, 300))])
def test_an_image_scanned_finer_is_read_at_the_settings_dpi(tmp_path: Path, dpi, size) -> None:
    """A TIFF or JPEG scanned at 400 or 600 dpi comes in at ``settings.dpi``, as a PDF's page does, its
    resolution said; up to 1.25 times finer, unsaid, or beyond any scanner's, it comes in as it is."""
    settings = Settings(home=tmp_path, dpi=300)
    for name, fmt, media_type in (("a.tif", "TIFF", "image/tiff"), ("a.jpg", "JPEG", "image/jpeg")):
        page(0, (200, 300)).save(tmp_path / name, fmt, **({"dpi": (dpi, dpi)} if dpi else {}))
        out = render_page(tmp_path / name, media_type, 1, settings)
        assert out.size == size
        if size != (200, 300):
            assert out.info["dpi"] == (300, 300)


@pytest.mark.parametrize("turn", [0, 2])
def test_a_sheet_scanned_on_a_black_backing_is_cut_out(tmp_path: Path, turn: int) -> None:
    """An automatic feeder's black plate around the sheet (laid straight or 2° askew): the page comes in as the
    sheet, no dark wedge left in it; the same sheet on the scanner's white lid comes in as it is."""
    sheet = Image.new("RGB", (400, 560), (244, 242, 236))
    sheet.paste((20, 20, 20), (60, 80, 340, 100))  # a line of print
    turned = sheet.rotate(turn, Image.BICUBIC, expand=True, fillcolor=(15, 15, 15))
    bed = Image.new("RGB", (turned.width + 24, turned.height + 34), (15, 15, 15))
    bed.paste(turned, (12, 17))
    bed.save(tmp_path / "backed.tif", dpi=(300, 300))
    settings = Settings(home=tmp_path, dpi=300)
    out = render_page(tmp_path / "backed.tif", "image/tiff", 1, settings)
    assert abs(out.width - turned.width) <= 20 and abs(out.height - turned.height) <= 20  # its dark rim cut too
    grey = np.asarray(out.convert("L"))
    assert (grey < 70).sum() < 280 * 20 * 1.2  # the print's ink, no backing
    assert out.info.get("dpi") == (300, 300)
    lid = Image.new("RGB", bed.size, (250, 250, 250))
    lid.paste(turned.convert("L").point(lambda v: 250 if v < 16 else v).convert("RGB"), (12, 17))
    lid.save(tmp_path / "lid.tif", dpi=(300, 300))
    assert render_page(tmp_path / "lid.tif", "image/tiff", 1, settings).size == bed.size


def test_png_and_modes(tmp_path: Path, settings: Settings) -> None:
    rgba = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    rgba.save(tmp_path / "rgba.png")
    Image.new("I;16", (20, 10), 65535).save(tmp_path / "deep.png")
    Image.new("1", (20, 10), 1).save(tmp_path / "bits.tif")
    Image.new("P", (20, 10), 3).save(tmp_path / "pal.png")
    white_rgb = render_page(tmp_path / "rgba.png", "image/png", 1, settings)
    assert white_rgb.mode == "RGB" and white_rgb.getpixel((0, 0)) == (255, 255, 255)  # transparent → white
    deep = render_page(tmp_path / "deep.png", "image/png", 1, settings)
    assert deep.mode == "L" and deep.getpixel((0, 0)) == 255
    assert render_page(tmp_path / "bits.tif", "image/tiff", 1, settings).mode == "L"
    assert render_page(tmp_path / "pal.png", "image/png", 1, settings).mode == "RGB"


def test_image_over_max_pixels(tmp_path: Path) -> None:
    path = make_image(tmp_path / "a.png", "PNG", size=(200, 300))
    assert refused(path, "image/png", 1, Settings(home=tmp_path, max_image_pixels=50_000)) == "image_too_large"


def test_truncated_jpeg(tmp_path: Path, settings: Settings) -> None:
    buf = io.BytesIO()
    page(0, (400, 400)).save(buf, "JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    assert refused(path, "image/jpeg", 1, settings) == "image_corrupt"


def test_pdf_that_poppler_cannot_render(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdftoppm, "convert_from_path", lambda *a, **k: [])
    path = make_pdf(tmp_path / "a.pdf", pages=1, resolution=72)  # not at the rendering dpi: pdftoppm's work
    assert refused(path, "application/pdf", 1, settings) == "page_render_failed"


def test_owner_password_pdf_renders(tmp_path: Path, settings: Settings) -> None:
    src = make_pdf(tmp_path / "src.pdf", pages=1)
    path = tmp_path / "restricted.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="chu-so-huu"))
    assert render_page(path, "application/pdf", 1, settings).size == (200, 300)
