"""The second generator of official documents (bench.other_official), kept for measuring: its truth is what it
prints, a page is the same whichever run draws it, and the accuracy bench reports it apart from the tuning runs."""
from __future__ import annotations

import io
import re

import numpy as np
import pytest

from bench.accuracy import OTHER_SPLIT, report
from bench.other_official import SCAN_DPI, _detokenised, other_pages
from tests.conftest import shared_data
from tests.web.test_browser_story import require_chromium


def test_ud_tokens_put_back_against_their_words():
    assert _detokenised("Hà Nội , ngày 5 tháng 3 ( năm ngoái ) .") == "Hà Nội, ngày 5 tháng 3 (năm ngoái)."
    assert _detokenised("Anh nói : hết 50 % rồi !") == "Anh nói: hết 50% rồi!"


@pytest.fixture(scope="module")
def data():
    require_chromium()
    shared_data("prose", "UD_Vietnamese-VTB_test.conllu")
    return shared_data()


@pytest.mark.browser
def test_a_page_prints_its_truth_and_is_the_same_in_any_run(data):
    from bench.common import plain_tesseract
    from ocr.metrics import word_recall

    first, clean = list(other_pages(3, 5, data))[1:]
    again = next(other_pages(1, 5, data, start=2))
    assert (again.text, again.level, again.kind) == (clean.text, clean.level, clean.kind)
    assert np.array_equal(np.asarray(again.image), np.asarray(clean.image))
    assert first.text != clean.text
    assert clean.level == "clean" and clean.image.info["dpi"] == (SCAN_DPI, SCAN_DPI)
    assert clean.image.size == (1653, 2339)  # A4 at 200 dpi
    assert [role for role, _ in clean.blocks] == ["header_left", "header_right", "body", "footer_left",
                                                  "footer_right"]
    assert clean.blocks[1][1][:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    # The seal is red ink over the signer's block, and not in the truth.
    rgb = np.asarray(clean.image.convert("RGB")).astype(int)
    red = (rgb[..., 0] > 150) & (rgb[..., 1] < 110) & (rgb[..., 2] < 110)
    assert red.sum() > 2000
    assert red[:, : rgb.shape[1] // 3].sum() < red.sum() / 20  # right half: the signer's side
    # What is printed is the truth: plain Tesseract finds nearly all of each block on the clean page but the
    # signer's (its name under the seal and the signature), and little it reads is in no block.
    buf = io.BytesIO()
    clean.image.save(buf, "PNG")
    text, _ = plain_tesseract(buf.getvalue())
    for role, lines in clean.blocks[:4]:
        assert word_recall(text, " ".join(lines)) > 0.9, role
    assert word_recall(clean.text, text) > 0.85


def test_the_bench_reports_it_apart_from_the_tuning_runs():
    def row(split: str) -> dict:
        return {"source": "official", "split": split, "level": "poor", "truth_text": "ỦY BAN NHÂN DÂN",
                "plain_text": "UY BAN", "ours_text": "ỦY BAN NHÂN DÂN", "plain_s": 1.0, "ours_s": 1.1,
                "correct_s": 0.01, "type": None, "truth": [], "page": 1, "kind": "thong_bao"}

    text = report([row("tuning (seed 14, office mix)"), row(f"{OTHER_SPLIT} (seed 2611)")], 0.8)
    assert f"| official {OTHER_SPLIT} (seed 2611) | all |" in re.sub(" +", " ", text)
    page_rows = [line for line in text.splitlines() if line.startswith("| 1 ")]
    assert len(page_rows) == 1 and OTHER_SPLIT not in page_rows[0]  # the page table pairs the template runs only
    header = next(line for line in text.splitlines() if line.startswith("| page ") and "CER plain" in line)
    assert OTHER_SPLIT not in header
