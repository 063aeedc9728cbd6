"""Real Tesseract runs (a few pages in all)."""
import ctypes
import ctypes.util
import json
import os
import subprocess
import sys
import threading

import numpy as np
import pikepdf
import pytest
from ocr_render import BIRTH_FIELDS, add_stamp, degrade, render_birth
from PIL import Image
from tesseract_tsv import parse_tsv

from domain.errors import OcrTimeout, PageFailed
from domain.settings import Settings
from ocr import extract, guess_record_type, ocr_page, tesseract
from ocr.metrics import cer
from ocr.tesseract import TIMED_OUT, run_tesseract


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path)


def test_end_to_end_birth_extract(settings):
    page = render_birth()
    image = degrade(add_stamp(page.image, (1700, 900)), angle=1.5, noise=8)
    result = ocr_page(image, settings)
    assert result.variant == "gray" and result.rotation == 0 and result.confidence > 0.85
    assert result.pdf is not None and result.pdf.startswith(b"%PDF")
    with pikepdf.open(__import__("io").BytesIO(result.pdf)) as pdf:
        assert len(pdf.pages) == 1
    assert cer(result.text, page.text) < 0.02
    assert guess_record_type(result.text) == "birth"
    record = extract(result, "birth")
    assert record.fields["full_name"] == "Nguyễn Thị Minh Thư"
    assert record.fields["date_of_birth"] == BIRTH_FIELDS["date_of_birth"]
    assert record.fields["personal_id"] == BIRTH_FIELDS["personal_id"]
    assert record.confidence["personal_id"] > 0.8


def test_timeout_becomes_ocr_timeout(tmp_path):
    with pytest.raises(OcrTimeout) as err:
        ocr_page(render_birth().image, Settings(home=tmp_path, ocr_timeout_s=0.05), want_pdf=False)
    assert err.value.code == "ocr_timeout" and err.value.message == "OCR quá thời gian"


@pytest.mark.parametrize("mode", ["1", "L", "RGB"])
@pytest.mark.parametrize("size", [(1, 1), (2, 2), (7, 300)])
def test_a_page_too_small_to_hold_a_letter_fails_with_its_reason(tmp_path, mode, size):
    with pytest.raises(PageFailed) as err:
        ocr_page(Image.new(mode, size), Settings(home=tmp_path), want_pdf=False)
    assert err.value.code == "page_too_small" and err.value.message.startswith("Trang quá nhỏ để đọc")


def test_tesseract_stopped_at_its_time_limit(tmp_path):
    # The engine's own deadline, not the page's check before it starts.
    with pytest.raises(OcrTimeout) as err:
        run_tesseract(render_birth().image, lang="vie", timeout_s=0.05)
    assert err.value.code == "ocr_timeout" and err.value.message == TIMED_OUT


def test_one_run_yields_words_and_pdf_or_words_alone():
    image = render_birth().image
    both = run_tesseract(image, lang="vie", timeout_s=60)
    assert "20/03/1998" in [w.text for w in both.words]
    assert both.pdf is not None and both.pdf.startswith(b"%PDF")
    alone = run_tesseract(image, lang="vie", timeout_s=60, want_pdf=False)
    assert alone.pdf is None and alone.words == both.words


def test_tesseract_failure_and_absence_are_page_failures(monkeypatch):
    image = Image.new("L", (400, 100), 255)
    with pytest.raises(PageFailed) as err:  # no such language
        run_tesseract(image, lang="khongco", timeout_s=30)
    assert err.value.code == "tesseract_failed" and "khongco" in err.value.message
    monkeypatch.setattr(tesseract, "_local", threading.local())  # no engine started yet in this thread…
    monkeypatch.setitem(sys.modules, "tesserocr", None)  # …and no library to start one
    with pytest.raises(PageFailed) as err:
        run_tesseract(image, lang="vie", timeout_s=30)
    assert err.value.code == "tesseract_missing" and "tesseract-ocr" in err.value.message


def test_leptonica_keeps_its_notes_to_itself(capfd):
    # In the worker process Leptonica's stderr is the clerk's terminal (the program's went nowhere): once the
    # library is loaded its notes are off. A call it refuses stands in for a page that makes it complain.
    run_tesseract(Image.new("L", (400, 100), 255), lang="vie", timeout_s=30)
    capfd.readouterr()
    lept = ctypes.CDLL(ctypes.util.find_library("lept") or ctypes.util.find_library("leptonica"))
    assert lept.pixScanForForeground(None, None, 0, None, None) == 1  # refused…
    assert capfd.readouterr().err == ""  # …without a word


@pytest.mark.parametrize("mode,psm,dpi", [("L", 4, 300), ("1", 4, 300), ("L", 6, 200)])
def test_kept_engine_reads_as_the_tesseract_program(tmp_path, mode, psm, dpi):
    # One engine serves every call of a process: the words must be the program's own (its TSV's, to the numbering
    # of lines and the confidence's last decimal), whatever the previous call was (another mode, another psm) — the
    # calibration is the program's. (Both without the white-on-black reread
    # of doubtful lines, which ocr.tesseract turns off.)
    page = degrade(render_birth().image, angle=0.4, noise=6).convert(mode)
    run_tesseract(render_birth().image.crop((0, 0, 900, 400)), lang="vie", timeout_s=60, psm=11, dpi=150)
    ours = run_tesseract(page, lang="vie", timeout_s=60, psm=psm, dpi=dpi)
    page.save(tmp_path / "page.tif", dpi=(dpi, dpi))
    subprocess.run(["tesseract", str(tmp_path / "page.tif"), str(tmp_path / "out"), "--oem", "1", "--psm", str(psm),
                    "--dpi", str(dpi), "-l", "vie", "-c", "tessedit_do_invert=0", "-c", "textonly_pdf=1", "tsv", "pdf"],
                   check=True, capture_output=True, timeout=120, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    assert ours.words == parse_tsv((tmp_path / "out.tsv").read_text(encoding="utf-8"))
    assert ours.pdf is not None and len(ours.pdf) == len((tmp_path / "out.pdf").read_bytes())


def test_blank_page_fails(settings):
    with pytest.raises(PageFailed) as err:
        ocr_page(Image.new("RGB", (1200, 1600), "white"), settings, want_pdf=False)
    assert err.value.code == "empty_output"


def test_noise_page_fails(settings):
    rng = np.random.default_rng(3)
    noise = (rng.random((600, 800)) > 0.5).astype(np.uint8) * 255
    with pytest.raises(PageFailed) as err:
        ocr_page(Image.fromarray(noise), settings, want_pdf=False)
    assert err.value.code in ("empty_output", "garbage_output")


def test_real_scan(settings, ocr_forms):
    rec = next(json.loads(line) for line in (ocr_forms / "metadata.jsonl").read_text().splitlines()
               if "old_photocopy" in line)
    result = ocr_page(Image.open(ocr_forms / rec["image"]), settings, want_pdf=False)
    assert cer(result.text, rec["title"] + "\n" + rec["text"]) < 0.02


def test_the_kept_engine_reads_no_line_again_as_white_on_black():
    # Tesseract's default reads each line below 0.7 a second time inverted; this archive prints no white on black,
    # and without those reads civil forms read a little better (docs/benchmarks.md, ocr_throughput, session 20).
    from ocr.tesseract import start_engine

    assert start_engine("vie").GetVariableAsString("tessedit_do_invert") == "0"
