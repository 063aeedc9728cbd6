"""Which variant of a page is read (grey or binarised, upright or turned) and how many Tesseract runs it costs."""
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


def test_shadowed_page_read_once_binarised(tmp_path, monkeypatch):
    runs = []
    real = page_mod.run_tesseract

    def counting(image, **kw):
        runs.append(image.mode)
        return real(image, **kw)

    monkeypatch.setattr(page_mod, "run_tesseract", counting)
    result = ocr_page(_shadowed(render_birth().image), Settings(home=tmp_path), want_pdf=False)
    assert result.variant == "otsu" and runs == ["1"]
    assert extract(result, "birth").fields["full_name"] == "Nguyễn Thị Minh Thư"


def _fake(conf: float, words: int, variant: str, rotation: int) -> PageOcr:
    ws = [Word("chữ", conf, 10 * i, 0, 9, 10, 1, i // 8) for i in range(words)]
    return PageOcr(text=" ".join(w.text for w in ws), confidence=conf, words=ws, variant=variant,
                   rotation=rotation, read_words=words)


def test_not_turned_for_specks(tmp_path, monkeypatch):
    """A page whose grey image reads nothing must not be turned upside down because, turned, it read two specks
    at a higher confidence: its binarised variant is read the right way up."""
    calls = []

    def fake_read(grey, variant, rotation, *args):
        calls.append((variant, rotation))
        if variant == "otsu":
            return _fake(0.85, 200, variant, rotation)
        return _fake(0.5, 2, variant, rotation) if rotation == 180 else _fake(0.0, 0, variant, rotation)

    monkeypatch.setattr(page_mod, "_read", fake_read)
    result = ocr_page(Image.new("L", (800, 1000), 255), Settings(home=tmp_path), want_pdf=False)
    assert calls == [("gray", 0), ("gray", 180), ("otsu", 0)]
    assert (result.variant, result.rotation) == ("otsu", 0)


def test_upside_down_page_turned(tmp_path, monkeypatch):
    calls = []

    def fake_read(grey, variant, rotation, *args):
        calls.append((variant, rotation))
        return _fake(0.92, 200, variant, rotation) if rotation == 180 else _fake(0.3, 40, variant, rotation)

    monkeypatch.setattr(page_mod, "_read", fake_read)
    result = ocr_page(Image.new("L", (800, 1000), 255), Settings(home=tmp_path), want_pdf=False)
    assert calls == [("gray", 0), ("gray", 180)]
    assert (result.variant, result.rotation) == ("gray", 180)
