"""Which variant of a page is read (grey or binarised, upright or turned) and how many Tesseract runs it costs."""
import time

import numpy as np
from ocr_render import render_birth
from PIL import Image

import ocr.page as page_mod
from domain.settings import Settings
from ocr import extract, ocr_page
from ocr.page import PageOcr, unevenness
from ocr.words import Word


def _shadowed(image: Image.Image) -> Image.Image:
    """A photocopy in a dark lid shadow: brightness falling from 100% to 35% across the page, darker bands."""
    a = np.asarray(image.convert("L"), dtype=np.float32)
    h, w = a.shape
    x = np.linspace(0.0, 1.0, w)[None, :]
    y = np.linspace(0.0, 1.0, h)[:, None]
    light = 0.35 + 0.65 * (1 - x) * (0.75 + 0.25 * np.cos(6 * y))
    return Image.fromarray(np.clip(a * light, 0, 255).astype(np.uint8))


def test_unevenness_tells_shadowed_pages():
    page = render_birth().image
    grey = np.asarray(page.convert("L"))
    assert unevenness(grey) < 5
    assert unevenness(np.asarray(_shadowed(page))) > page_mod.UNEVEN_ABOVE


def _count_runs(monkeypatch) -> list[str]:
    """The mode of each image Tesseract is given, in order ("1": the binarised variant, "L": the grey one)."""
    runs = []
    real = page_mod.run_tesseract

    def counting(image, **kw):
        runs.append(image.mode)
        return real(image, **kw)

    monkeypatch.setattr(page_mod, "run_tesseract", counting)
    return runs


def test_shadowed_page_read_once_binarised(tmp_path, monkeypatch):
    runs = _count_runs(monkeypatch)
    result = ocr_page(_shadowed(render_birth().image), Settings(home=tmp_path), want_pdf=False)
    assert result.variant == "otsu" and runs == ["1"]
    assert extract(result, "birth").fields["full_name"] == "Nguyễn Thị Minh Thư"


def _fake(conf: float, words: int, variant: str, rotation: int) -> PageOcr:
    ws = [Word("chữ", conf, 10 * i, 0, 9, 10, 1, i // 8) for i in range(words)]
    return PageOcr(text=" ".join(w.text for w in ws), confidence=conf, words=ws, variant=variant,
                   rotation=rotation, read_words=words)


def _fake_reads(monkeypatch, reads: dict, band: float | None = None) -> list:
    """``_read`` answers from ``reads[(variant, rotation)]`` = (confidence, words); the turned band's confidence
    is ``band``. Returns the calls made, in order."""
    calls = []

    def fake_read(grey, variant, rotation, *args):
        calls.append((variant, rotation))
        conf, n = reads[variant, rotation]
        return _fake(conf, n, variant, rotation)

    def fake_band(grey, variant, confidence, *args):
        calls.append(("band", variant))
        return band is not None and band > confidence + page_mod.TURNED_MARGIN

    monkeypatch.setattr(page_mod, "_read", fake_read)
    monkeypatch.setattr(page_mod, "turned_reads_better", fake_band)
    return calls


def test_not_turned_for_specks(tmp_path, monkeypatch):
    """A page whose grey image reads nothing must not be turned upside down because, turned, it read two specks
    at a higher confidence: its binarised variant is read the right way up."""
    calls = _fake_reads(monkeypatch, {("gray", 0): (0.0, 0), ("gray", 180): (0.5, 2), ("otsu", 0): (0.85, 200)},
                        band=0.5)
    result = ocr_page(Image.new("L", (800, 1000), 255), Settings(home=tmp_path), want_pdf=False)
    assert (result.variant, result.rotation) == ("otsu", 0)
    assert calls[-1] == ("otsu", 0)


def test_upside_down_page_turned(tmp_path, monkeypatch):
    calls = _fake_reads(monkeypatch, {("gray", 0): (0.3, 40), ("gray", 180): (0.92, 200)}, band=0.9)
    result = ocr_page(Image.new("L", (800, 1000), 255), Settings(home=tmp_path), want_pdf=False)
    assert calls == [("gray", 0), ("band", "gray"), ("gray", 180)]
    assert (result.variant, result.rotation) == ("gray", 180)


def test_poor_page_not_read_turned(tmp_path, monkeypatch):
    """A shadowed page read binarised at 0.5 with a page of words: a band read turned says it is the right way
    up, and its grey variant is not read either — one full run."""
    monkeypatch.setattr(page_mod, "unevenness", lambda grey: 30.0)
    calls = _fake_reads(monkeypatch, {("otsu", 0): (0.5, 170)}, band=0.3)
    result = ocr_page(Image.new("L", (800, 1000), 255), Settings(home=tmp_path), want_pdf=False)
    assert calls == [("otsu", 0), ("band", "otsu")]
    assert (result.variant, result.rotation) == ("otsu", 0)


def test_turned_band_reads_upside_down_text(tmp_path):
    page = render_birth().image.convert("L")
    upright, turned = np.asarray(page), np.asarray(page.rotate(180))
    settings = Settings(home=tmp_path)
    assert page_mod.turned_reads_better(turned, "gray", 0.45, settings, time.monotonic() + 60, 300)
    assert not page_mod.turned_reads_better(upright, "gray", 0.5, settings, time.monotonic() + 60, 300)


def _speckled(image: Image.Image, count: int = 3000) -> Image.Image:
    """A photocopy evenly lit (a phone photo of one, its light evened at intake): toner specks 5–7 px across
    scattered all over the page, the paper a little grey."""
    import cv2

    grey = np.asarray(image.convert("L")).copy() // 255 * 215 + 10
    rng = np.random.default_rng(7)
    for x, y, r in zip(rng.integers(0, grey.shape[1], count), rng.integers(0, grey.shape[0], count),
                       rng.integers(2, 4, count), strict=True):
        cv2.circle(grey, (int(x), int(y)), int(r), 30, -1)
    return Image.fromarray(grey)


def test_speckled_even_page_read_once_binarised(tmp_path, monkeypatch):
    """No shadow to tell it by, yet its specks would be read as punctuation and stray words on the grey image:
    the binarised, despeckled variant is read first, and alone."""
    runs = _count_runs(monkeypatch)
    image = _speckled(render_birth().image)
    assert unevenness(np.asarray(image)) < page_mod.UNEVEN_ABOVE
    result = ocr_page(image, Settings(home=tmp_path), want_pdf=False)
    assert result.variant == "otsu" and runs == ["1"]
    assert extract(result, "birth").fields["full_name"] == "Nguyễn Thị Minh Thư"
