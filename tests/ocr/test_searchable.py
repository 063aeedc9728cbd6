"""The searchable page: the scan as stored (its red seal kept), the read's invisible text over its words, whatever
turn and skew the read needed."""
from __future__ import annotations

import io
import re
import subprocess

import cv2
import numpy as np
import pikepdf
import pytest
from ocr_render import add_stamp, render_birth
from PIL import Image

from domain.settings import Settings
from ocr import ocr_page, text_page, with_scan
from ocr.preprocess import rotate
from ocr.searchable import read_frame, text_layer
from ocr.tesseract import run_tesseract

DPI = 72  # rendered at the PDF's own unit: a word's box from pdftotext is its pixels


@pytest.mark.parametrize("rotation,angle", [(0, 0.0), (0, 2.5), (90, -3.0), (180, 1.0), (270, 4.0)])
def test_read_frame_is_the_turn_and_skew_the_read_image_was_made_by(rotation, angle):
    scan = np.full((300, 200), 255, np.uint8)
    scan[40:46, 150:156] = 0  # a dot near the top right corner
    read = cv2.rotate(scan, cv2.ROTATE_90_CLOCKWISE) if rotation in (90, 270) else scan
    read = rotate(read, angle) if angle else read
    read = cv2.rotate(read, cv2.ROTATE_180) if rotation in (180, 270) else read
    m, size = read_frame(200, 300, rotation, angle)
    assert size == (read.shape[1], read.shape[0])
    x, y, _ = m @ np.array([153.0, 43.0, 1.0])
    ys, xs = np.nonzero(read < 128)
    assert abs(xs.mean() - x) < 1.5 and abs(ys.mean() - y) < 1.5


@pytest.mark.parametrize("size,dpi", [((1653, 2339), 200), ((1711, 2380), 200), ((2480, 3508), 300)])
def test_the_text_layer_made_once_is_tesseracts_for_the_page(size, dpi):
    """Tesseract's PDF renderer runs once (a blank image's layer), not with every read: the page it gives each
    read is the one Tesseract writes for an image of that size, in the same font, with no text of its own."""
    theirs = run_tesseract(Image.new("L", size, 255), lang="vie", timeout_s=60, want_pdf=True, dpi=dpi).pdf
    with pikepdf.open(io.BytesIO(theirs)) as a, pikepdf.open(io.BytesIO(text_layer(*size, dpi=dpi, lang="vie"))) as b:
        pa, pb = a.pages[0], b.pages[0]
        assert [float(v) for v in pb.mediabox] == pytest.approx([float(v) for v in pa.mediabox], abs=0.01)
        assert pb.Resources.Font.keys() == pa.Resources.Font.keys()
        [font] = pa.Resources.Font.keys()
        assert pb.Resources.Font[font].BaseFont == pa.Resources.Font[font].BaseFont == "/GlyphLessFont"
        assert not pb.get_images() and pb.Contents.read_bytes() == b""


def _book_page(read, jpeg: bytes, size: tuple[int, int]) -> tuple[bytes, bytes]:
    """The page as stored (its text and where its scan goes), and as a book holds it (its scan added)."""
    stored = text_page(read.pdf, read.words, size, read.rotation, read.angle)
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        with_scan(pdf, pdf.pages[0], jpeg)
        out = io.BytesIO()
        pdf.save(out)
    return stored, out.getvalue()


def _drawn(pdf: bytes, dpi: int, *options: str) -> Image.Image:
    """The page as poppler draws it."""
    return Image.open(io.BytesIO(subprocess.run(["pdftoppm", "-r", str(dpi), *options, "-singlefile"], input=pdf,
                                                capture_output=True, check=True).stdout))


def _words_on_ink(pdf: bytes) -> tuple[float, int]:
    """The share of the text layer's words whose box holds ink on the page as drawn, and how many words."""
    page = np.array(_drawn(pdf, DPI, "-gray"))
    boxes = subprocess.run(["pdftotext", "-bbox", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    words = [tuple(map(float, m.groups()[:4])) for m in re.finditer(
        rb'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]{3,})<', boxes)]
    inked = sum(1 for x0, y0, x1, y1 in words
                if (page[int(y0):int(y1) + 1, int(x0):int(x1) + 1] < 128).mean() > 0.05)
    return inked / max(1, len(words)), len(words)


@pytest.mark.parametrize("turn,skew", [(0, 0.0), (90, 2.0), (180, 0.0)])
def test_the_scan_with_its_seal_lies_under_the_words_read(tmp_path, turn, skew):
    birth = render_birth()
    scan = add_stamp(birth.image, (1500, 2100)).rotate(turn + skew, expand=True, fillcolor="white")
    buf = io.BytesIO()
    scan.save(buf, "JPEG", quality=90)
    jpeg = buf.getvalue()
    read = ocr_page(Image.open(io.BytesIO(jpeg)), Settings(home=tmp_path))
    assert read.pdf is not None
    with pikepdf.open(io.BytesIO(read.pdf)) as layer:  # Tesseract's: the text alone, no image of the page
        assert not layer.pages[0].get_images()

    stored, pdf = _book_page(read, jpeg, scan.size)
    assert len(stored) < 50_000  # the page stored without its scan: no second copy of the image
    with pikepdf.open(io.BytesIO(pdf)) as out:
        [stream] = out.pages[0].get_images().values()
        assert (stream.Width, stream.Height) == scan.size and stream.Filter == "/DCTDecode"
        assert stream.read_raw_bytes() == jpeg  # the stored JPEG itself, not encoded again
    share, words = _words_on_ink(pdf)
    assert words > 40 and share > 0.95, (share, words)
    # The text is ours (corrected, the marks' words left out), word for word and in our reading order.
    text = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert text.split() == read.text.split()
    # Drawn upright and in colour: the seal's red is there (the image read had it washed out).
    rgb = np.array(_drawn(pdf, 36).convert("RGB")).astype(int)
    assert ((rgb[..., 0] - rgb[..., 1] > 80) & (rgb[..., 0] > 150)).sum() > 200


def test_a_page_whose_scan_is_no_plain_jpeg_is_drawn_from_an_rgb_copy(tmp_path):
    page = render_birth().image.convert("CMYK")
    buf = io.BytesIO()
    page.save(buf, "JPEG", quality=90)
    read = ocr_page(page.convert("RGB"), Settings(home=tmp_path))
    _, pdf = _book_page(read, buf.getvalue(), page.size)
    with pikepdf.open(io.BytesIO(pdf)) as out:
        [image] = [pikepdf.PdfImage(x) for x in out.pages[0].get_images().values()]
        assert image.colorspace == "/DeviceRGB" and image.size == page.size
    assert _words_on_ink(pdf)[0] > 0.95


def test_a_page_stored_with_its_own_image_before_text_pages_is_left_as_it_is():
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0]
    tesseracts = pikepdf.Stream(pdf, b"\x00", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image, Width=1,
                                Height=1, BitsPerComponent=8, ColorSpace=pikepdf.Name.DeviceGray)
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=tesseracts))
    buf = io.BytesIO()
    render_birth().image.save(buf, "JPEG")
    with_scan(pdf, page, buf.getvalue())
    assert list(page.Resources.XObject.keys()) == ["/Im1"]


def test_a_book_longer_than_a_part_is_joined_in_order_from_its_parts(tmp_path, monkeypatch):
    from ocr import searchable, write_book

    monkeypatch.setattr(searchable, "BOOK_PART", 2)  # five pages: parts of 2, 2 and 1
    birth = render_birth().image.convert("RGB")
    read = ocr_page(birth, Settings(home=tmp_path))
    stored = text_page(read.pdf, read.words, birth.size, read.rotation, read.angle)
    scans = []
    for shade in range(5):  # each page's scan its own, told apart by its bytes
        buf = io.BytesIO()
        birth.point(lambda v, s=shade: max(0, v - 10 * s)).save(buf, "JPEG", quality=80)
        scans.append(buf.getvalue())
    (tmp_path / "book").mkdir()
    book = tmp_path / "book" / "book.pdf"
    assert write_book([(lambda: stored, lambda s=s: s) for s in scans], book) == 5
    assert [p.name for p in book.parent.iterdir()] == ["book.pdf"]  # the parts are gone
    with pikepdf.open(book) as pdf:
        assert [next(iter(p.get_images().values())).read_raw_bytes() for p in pdf.pages] == scans
    text = subprocess.run(["pdftotext", "-raw", str(book), "-"], capture_output=True, check=True).stdout.decode()
    assert [" ".join(t.split()) for t in text.split("\f")[:5]] == [" ".join(read.text.split())] * 5
