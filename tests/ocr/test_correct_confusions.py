"""Mark confusions weigh the channel (ocr/correct/channel.py): a confident acute read where context wants a hook
is corrected, spellings that both fit stay as read; the table is counted on the tuning seed only."""
from collections import Counter

import pytest

from bench.accuracy import TEMPLATE_RUNS
from ocr.correct import correct_tokens
from ocr.correct.channel import TABLE, likeness, table
from ocr.correct.confusions import count_page
from ocr.correct.model import NOISY_HOOK_MIN_POSTERIOR, NOISY_MIN_POSTERIOR

CONFIDENT = 0.96  # what Tesseract gives such misreads on photocopies: the old channel left them as read


def _read(text: str) -> str:
    tokens = text.split()
    return " ".join(correct_tokens(tokens, [CONFIDENT] * len(tokens))[0])


@pytest.mark.parametrize("read, fixed", [
    ("đế thực hiện", "để thực hiện"),
    ("tố dân phố", "tổ dân phố"),
    ("phố biến", "phổ biến"),
    ("TỐNG CỤC THỐNG KÊ", "TỔNG CỤC THỐNG KÊ"),
])
def test_confident_hook_read_as_acute_is_corrected(read, fixed):
    assert _read(read) == fixed


@pytest.mark.parametrize("text", ["thế giới", "số 12", "sổ đăng ký", "số đăng ký", "tổ chức", "để nghị"])
def test_what_fits_as_read_stays(text):
    assert _read(text) == text


@pytest.mark.parametrize("read, fixed", [
    ("năm 2026 đế tổng hợp", "năm 2026 để tổng hợp"),
    ("Việt Nam giải thế tất cả", "Việt Nam giải thể tất cả"),
])
def test_a_noisy_page_puts_back_a_hook_the_context_makes_likely(read, fixed):
    # Likely, not sure (posterior 0.7-0.8): as read on a clean page, corrected on a photocopy, where a hook read as
    # an acute is common. No other change is made on that likelihood: the acute read where a hook fits stays.
    tokens = read.split()
    noisy = correct_tokens(tokens, [CONFIDENT] * len(tokens), min_posterior=NOISY_MIN_POSTERIOR,
                           hook_posterior=NOISY_HOOK_MIN_POSTERIOR)[0]
    assert " ".join(noisy) == fixed
    assert _read(read) == read
    assert " ".join(correct_tokens(tokens, [CONFIDENT] * len(tokens), min_posterior=NOISY_MIN_POSTERIOR)[0]) == read


@pytest.mark.parametrize("text", ["sổ đăng ký", "số đăng ký", "lập danh mục số còn thiếu"])
def test_a_noisy_page_keeps_what_fits_as_read(text):
    tokens = text.split()
    assert correct_tokens(tokens, [CONFIDENT] * len(tokens), min_posterior=NOISY_MIN_POSTERIOR,
                          hook_posterior=NOISY_HOOK_MIN_POSTERIOR)[0] == tokens


def test_confusions_are_directed():
    # Hook → acute is what photocopies do: cheaper to correct than an arbitrary swap. Acute → hook almost never
    # happens, and a spurious dot below now and then: those weigh as any other confusion does.
    assert likeness("để", "đế") > 1.0
    assert likeness("đế", "để") == 0.0
    assert likeness("tạm", "tam") == 0.0
    assert table()["tone", "hook", "acute"] > 10 * table()["tone", "acute", "hook"]


def test_counted_on_the_tuning_seed_only():
    tuning_seed = TEMPLATE_RUNS[0][1]
    header = TABLE.read_text(encoding="utf-8").splitlines()[0]
    assert f"seed {tuning_seed})" in header
    assert all(f"seed {seed})" not in header for _name, seed, _mix in TEMPLATE_RUNS[1:])


def test_counting_aligns_by_base_letters():
    counts: Counter = Counter()
    # "của" lost, "tổ" read with an acute, "Đồng" with its stroke lost; punctuation ignored.
    count_page("Chủ tịch của tổ dân phố Đồng Tâm.", "Chủ tịch tố dân phố, Dồng Tâm", counts)
    assert counts["tone", "hook", "acute"] == 1
    assert counts["tone", "hook", "hook"] == 1  # "Chủ"
    assert counts["letter", "đ", "d"] == 1
    assert counts["word", "", "changed"] == 2
    assert sum(n for (k, _t, _r), n in counts.items() if k == "tone") == 7


def test_a_page_puts_back_a_hook_on_that_likelihood_only_when_it_reads_noisily():
    from ocr.correct import correct_words
    from ocr.words import Word

    def page(extra: list[str]) -> list[Word]:
        lines = ["Báo cáo gửi về trước ngày 15 tháng 8 năm 2026 đế tổng hợp"] + extra
        return [Word(t, CONFIDENT, 60 * i, 30 * n, 50, 20, 0, n)
                for n, line in enumerate(lines) for i, t in enumerate(line.split())]

    clean = page(["Ủy ban nhân dân xã tổ chức thực hiện"] * 4)
    correct_words(clean)
    assert "đế" in [w.text for w in clean]
    noisy = page(["Ủy ban nhân dân xã tổ chức thực hiện"] * 3 + ["xqzt vbnw"])  # 2 of 43 words no syllable
    correct_words(noisy)
    assert "để" in [w.text for w in noisy]


def test_the_counting_reads_a_page_as_the_pipeline_reads_its_grey_variant(tmp_path):
    """``python -m ocr.correct.confusions`` reads each page itself (uncorrected): the read it counts is Tesseract's
    words on the prepared page, in reading order."""
    from PIL import Image, ImageDraw

    from ocr.correct.confusions import _read_raw
    from samples.fonts import font

    page = Image.new("L", (1654, 600), 255)
    ImageDraw.Draw(page).text((150, 250), "Ủy ban nhân dân xã Tân Phú", font=font("serif", 40), fill=0)
    page.save(tmp_path / "page.png", dpi=(200, 200))
    assert _read_raw(tmp_path / "page.png").split() == ["Ủy", "ban", "nhân", "dân", "xã", "Tân", "Phú"]
