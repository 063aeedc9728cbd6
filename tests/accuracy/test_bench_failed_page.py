"""bench accuracy: a page our pipeline gives up on counts as a page with nothing read, not a crash of the run."""
from PIL import Image

from bench.accuracy import _field_scores, _measure, report

TRUTH = {"full_name": "Nguyễn Văn An", "date_of_birth": "1990-05-12"}


def test_a_failed_page_is_scored_as_nothing_read():
    blank = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi, no ink: the pipeline's "empty output"
    row = _measure(blank, "Họ và tên: Nguyễn Văn An", "birth", [{"fields": TRUTH}])
    assert row["failed"] == "empty_output"
    assert row["ours_text"] == "" and row["ours_records"] == []
    row.update(source="generated", level="poor", book="birth")
    row["ours_records"] = row["plain_records"] = []

    scores = _field_scores([row], "ours", 0.8)
    assert scores["recall"] == 0.0 and scores["n"] == 0  # both fields missed, none read

    text_table = report([row], 0.8).split("\n\n")[0]
    line = next(ln for ln in text_table.splitlines() if ln.startswith("| generated/birth"))
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert cells[4] == "100.00%"  # CER ours: nothing of the reference was read
    assert cells[-1] == "1"  # the failed column counts it
