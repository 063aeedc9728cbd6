"""bench accuracy's official-document rows: tuning and held-out runs reported apart, word recall per kind."""
from bench.accuracy import TEMPLATE_RUNS, kind_table, page_table, report


def _row(split: str, level: str, ours: str) -> dict:
    truth = "ỦY BAN NHÂN DÂN\nSố: /QĐ-UBND\nTổ dân phố ngày 10/4/2026"
    return {"source": "official", "split": split, "level": level, "truth_text": truth, "plain_text": "",
            "ours_text": ours, "plain_s": 1.0, "ours_s": 1.2, "correct_s": 0.01, "type": None, "truth": []}


def test_held_out_run_differs_in_seed_not_in_mix():
    (_, tuned_seed, tuned_mix), (_, held_seed, held_mix) = TEMPLATE_RUNS
    assert tuned_seed != held_seed and tuned_mix == held_mix


def test_rows_and_kinds():
    rows = [_row("tuning (seed 14, tuning mix)", "poor", "ỦY BAN NHÂN DÂN Số: QĐ UBND Tổ dân phố ngày 10 4 2026"),
            _row("held out (seed 1414, held-out mix)", "moderate", "UY BAN NHAN DAN Tô dân phố ngày 1 0 4 2026")]
    text = report(rows, 0.8)
    assert "official tuning (seed 14, tuning mix) | all" in text.replace("  ", "")
    kinds = kind_table(rows)
    tuned = next(line for line in kinds.splitlines() if "tuning" in line)
    held = next(line for line in kinds.splitlines() if "held out" in line)
    # capitals: ỦY BAN NHÂN DÂN QĐ UBND (6); short words: Số Tổ dân phố (4); numbers: 10 4 2026 (3)
    assert tuned.count("100.0%") == 3
    assert "16.7% of 6" in held  # only "BAN" right among the capitals
    assert "50.0% of 4" in held  # "Số" lost, "Tô" for "Tổ"
    assert "66.7% of 3" in held  # "1 0" is not "10"
    assert "Post-correction" in text


def test_page_table_sets_the_runs_side_by_side_page_for_page():
    rows = [_row("tuning (seed 14, office mix)", "poor", "ỦY BAN NHÂN DÂN Số: /QĐ-UBND Tổ dân phố ngày 10/4/2026"),
            _row("held out (seed 1414, office mix)", "poor", "UY BAN")]
    for r in rows:
        r.update(page=1, kind="quyet_dinh")
    lines = [line for line in page_table(rows).splitlines() if line.startswith("| 1 ")]
    assert len(lines) == 1
    cells = [c.strip() for c in lines[0].strip("|").split("|")]
    assert cells[:3] == ["1", "poor", "quyet_dinh"]
    assert cells[3:6] == ["100.00%", "0.00%", "100.00%"]  # tuning: plain read nothing, ours all
    assert cells[6] == "100.00%" and float(cells[8].rstrip("%")) < 30  # held out: two words of eleven


def test_the_other_scanners_store_the_page_as_they_say():
    """``--scan``: the same page as a black-and-white, askew, coarser or finer scan or one on a black backing, its
    resolution carried with it."""
    from PIL import Image, ImageDraw

    from bench.accuracy import _rescanned

    page = Image.new("RGB", (400, 560), (246, 244, 238))
    ImageDraw.Draw(page).ellipse((100, 100, 260, 260), outline=(200, 30, 40), width=6)  # a red seal's ring
    ImageDraw.Draw(page).text((40, 40), "ỦY BAN", fill=(20, 20, 20))
    page.info["dpi"] = (200, 200)
    bitonal = _rescanned(page, "bitonal")
    assert bitonal.mode == "1" and round(bitonal.info["dpi"][0]) == 200
    assert bitonal.getpixel((100 + 3, 180)) == 0 and bitonal.getpixel((5, 5)) == 255  # the seal as black as print
    grey = _rescanned(page, "grey")
    assert grey.mode == "L" and grey.format == "JPEG" and round(grey.info["dpi"][0]) == 200
    for scan in ("turned", "askew"):
        turned = _rescanned(page, scan)
        assert turned.width > page.width and turned.height > page.height
    assert _rescanned(page, "askew").width > _rescanned(page, "turned").width  # the further turn
    coarse = _rescanned(page, "150dpi")
    assert coarse.size == (300, 420) and round(coarse.info["dpi"][0]) == 150
    fine = _rescanned(page, "600dpi")  # taken in as an image file: read at the settings' 300 dpi
    assert fine.size == (600, 840) and fine.info["dpi"] == (300, 300)
    backed = _rescanned(page, "backed")  # laid on a black backing, taken in as a TIFF: the sheet cut out again
    assert abs(backed.width - page.width) <= 20 and abs(backed.height - page.height) <= 20
    squeezed = _rescanned(page, "jpeg30")  # a JPEG file at quality 30, taken in at its size
    assert squeezed.size == page.size and squeezed.mode == "RGB"
    assert abs(squeezed.getpixel((100 + 3, 180))[0] - 200) < 60  # the seal still red, blurred by the blocks
    assert _rescanned(page, "as-made") is page


def test_a_photographed_page_comes_in_flat_at_a4_size_the_same_each_time():
    """``--scan photo``: the page photographed on a desk (a shot drawn from its own pixels) and taken in as the
    pipeline takes a phone photo: found on the desk and flattened to an A4 page at 300 dpi."""
    import numpy as np
    from PIL import Image, ImageDraw

    from bench.accuracy import _rescanned

    page = Image.new("RGB", (827, 1169), (246, 244, 238))  # A4 at 100 dpi
    draw = ImageDraw.Draw(page)
    for y in range(120, 1000, 40):
        draw.text((80, y), "Ủy ban nhân dân xã Quảng Đức, ngày 28 tháng 8 năm 2026", fill=(20, 20, 20))
    shot = _rescanned(page, "photo")
    assert shot.size == (2480, 3508)
    # The desk is gone: the corners are paper, not wood or cloth.
    corners = np.asarray(shot.convert("L"))[[20, 20, -20, -20], [20, -20, 20, -20]]
    assert corners.min() > 150
    assert np.array_equal(np.asarray(_rescanned(page, "photo")), np.asarray(shot))


def test_the_ministries_row_reads_a_ministrys_papers(monkeypatch):
    """``--ministry N``: the row's pages are ``samples.official``'s ministries' papers, reported as their own split."""
    import bench.accuracy as acc

    monkeypatch.setattr(acc, "_measure", lambda image, truth, *args: {"truth_text": truth})
    (row,) = acc._official_job_page(acc.MINISTRY_SPLIT, 3, "office", 0)
    assert row["split"] == "ministries (seed 3, office mix)" and row["source"] == "official"
    header = row["truth_text"].splitlines()
    assert header[0].startswith(("BỘ ", "VĂN PHÒNG CHÍNH PHỦ")) and "Hà Nội, ngày" in row["truth_text"]
