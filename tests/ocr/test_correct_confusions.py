"""Mark confusions weigh the channel (ocr/correct/channel.py): a confident acute read where context wants a hook
is corrected, spellings that both fit stay as read; the table is counted on the tuning seed only."""
from collections import Counter

import pytest

from bench.accuracy import TEMPLATE_RUNS
from ocr.correct import correct_tokens
from ocr.correct.channel import TABLE, likeness, table
from ocr.correct.confusions import count_page

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
