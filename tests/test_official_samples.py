"""The Decree 30/2020 document generator (samples/official.py): deterministic pages, truth in reading order, ink
kept out of the text and found where the truth's boxes say."""
import hashlib
import json

import numpy as np
import pytest

from samples import main, official_pages
from tests.conftest import shared_data


def _digest(page) -> str:
    return hashlib.sha256(page.image.tobytes()).hexdigest()


@pytest.fixture(scope="module")
def office_page():
    return next(official_pages(1, seed=5, degradation="moderate"))


def test_same_seed_same_pixels_and_truth(office_page):
    again = next(official_pages(1, seed=5, degradation="moderate"))
    assert _digest(again) == _digest(office_page)
    assert json.dumps(again.truth(), ensure_ascii=False) == json.dumps(office_page.truth(), ensure_ascii=False)
    other = next(official_pages(1, seed=6, degradation="moderate"))
    assert _digest(other) != _digest(office_page)


def test_scanned_at_200_dpi(office_page):
    assert office_page.image.size == (1653, 2339)  # A4 (210 × 297 mm) at 200 dpi
    assert office_page.truth()["dpi"] == 200


def test_truth_reads_left_header_right_header_body_left_footer_right_footer(office_page):
    truth = office_page.truth()
    blocks = truth["blocks"]
    assert [b["role"] for b in blocks] == ["header_left", "header_right", "body", "footer_left", "footer_right"]
    assert truth["text"] == "\n".join(line for b in blocks for line in b["lines"])
    by = {b["role"]: b for b in blocks}
    assert by["header_right"]["lines"][:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert any(line.startswith("Số: /") for line in by["header_left"]["lines"])
    assert by["footer_left"]["lines"][0] == "Nơi nhận:"
    # Columns side by side; the body between header and footer.
    for left, right in (("header_left", "header_right"), ("footer_left", "footer_right")):
        assert by[left]["box"][2] < by[right]["box"][2] and by[left]["box"][0] < by[right]["box"][0]
    assert by["header_left"]["box"][3] < by["body"]["box"][1] + 60
    assert by["body"]["box"][3] < by["footer_right"]["box"][1] + 60


def test_ink_is_a_region_not_text(office_page):
    truth = office_page.truth()
    kinds = [r["kind"] for r in truth["regions"]]
    assert {"seal", "signature", "stamp", "handwriting"} <= set(kinds)
    hand = {r["field"]: r["text"] for r in truth["regions"] if r["kind"] == "handwriting"}
    assert {"number", "day", "received_number", "received_date"} <= set(hand)
    number_line = next(line for line in truth["text"].splitlines() if line.startswith("Số:"))
    assert hand["number"] not in number_line
    assert "ĐẾN" not in truth["text"].split()
    assert "Chuyển:" not in truth["text"]


def test_region_boxes_follow_the_scan(office_page):
    """The seal's box holds red ink and a handwritten value's box holds ink, on the skewed 200 dpi scan."""
    pixels = np.asarray(office_page.image.convert("RGB")).astype(int)
    paper = np.median(pixels.reshape(-1, 3), axis=0)
    for region in office_page.truth()["regions"]:
        x0, y0, x1, y1 = region["box"]
        crop = pixels[y0:y1, x0:x1]
        if region["kind"] == "seal":
            redness = crop[..., 0] - crop[..., 1]
            assert (redness > 60).mean() > 0.03, region
        if region["kind"] == "handwriting":
            assert (crop.sum(axis=2) < paper.sum() - 200).mean() > 0.02, region


def test_a_mix_gives_every_seed_the_same_kinds_of_page():
    """Tuning and held-out seeds differ in content, never in how many photocopies or letters they drew."""
    from samples.official import MIXES

    def kinds(seed: int) -> list[tuple[str, str]]:
        return [(p.level, p.kind) for p in official_pages(5, seed=seed, degradation="office")]

    tuned, held = kinds(14), kinds(1414)
    assert tuned == held
    assert sorted(level for level, _ in tuned) == sorted(MIXES["office"])
    assert len({kind for _, kind in tuned}) == 4
    assert next(official_pages(1, seed=14, degradation="office")).text != \
        next(official_pages(1, seed=1414, degradation="office")).text


def test_ministries_papers_are_a_ministrys_on_the_same_template():
    """``ministry=True``: a ministry's, a department's or the Government Office's papers — their own header, code,
    signer and recipients — on the local papers' mix of scans and kinds, from pages of their own."""
    from samples.official_text import _MINISTRIES

    local = list(official_pages(4, seed=3, degradation="office"))
    pages = list(official_pages(4, seed=3, degradation="office", ministry=True))
    assert [(p.level, p.kind) for p in pages] == [(p.level, p.kind) for p in local]
    codes = {code for _, _, code, _ in _MINISTRIES}
    for page in pages:
        by = {b["role"]: b["lines"] for b in page.truth()["blocks"]}
        left = by["header_left"]
        assert left[0] in {m or o for m, o, _, _ in _MINISTRIES}
        number = next(line for line in left if line.startswith("Số: /"))
        assert number.rsplit("/", 1)[1].split("-")[-1] in codes
        assert by["header_right"][2].startswith("Hà Nội, ngày")
        assert by["footer_left"][-1].startswith("- Lưu: VT, ") and "UBND" not in by["footer_right"][0]
        assert not any("ỦY BAN NHÂN DÂN" in line for line in left)


def test_black_pen_option_writes_every_value_in_black():
    page = next(official_pages(1, seed=5, degradation="clean", pen="black"))
    pixels = np.asarray(page.image.convert("RGB")).astype(int)
    hand = [r for r in page.regions if r["kind"] == "handwriting"]
    assert len(hand) >= 4
    for region in hand:
        x0, y0, x1, y1 = region["box"]
        crop = pixels[y0:y1, x0:x1]
        dark = crop.sum(axis=2) < 300
        assert dark.mean() > 0.02, region
        assert (crop[dark].max(axis=1) - crop[dark].min(axis=1)).mean() < 30  # no colour to find it by


def test_prose_from_shared_data_is_used_when_given():
    from samples.official_text import prose_sentences

    sentences = prose_sentences(shared_data("prose"))
    assert len(sentences) > 100
    page = next(official_pages(1, seed=2, degradation="clean", prose_dir=shared_data("prose")))
    body = " ".join(next(b for b in page.blocks if b["role"] == "body")["lines"])
    assert any(s[:40] in body for s in sentences)


def test_samples_command_writes_pages_and_truth(tmp_path, capsys):
    assert main([str(tmp_path), "--official", "--pages", "1", "--seed", "1", "--degradation", "poor"]) == 0
    out = capsys.readouterr().out.split()
    assert out[0].endswith("page-0001.png") and out[1].endswith(".truth.json")
    truth = json.loads((tmp_path / "official-poor-s1.truth.json").read_text(encoding="utf-8"))
    assert truth["pages"][0]["degradation"] == "poor" and truth["pages"][0]["regions"]


def test_unknown_scan_kind_refused_in_vietnamese(tmp_path):
    from samples import generate_official

    with pytest.raises(ValueError, match="không có kiểu quét"):
        generate_official(tmp_path, 1, 0, "blurry")
    assert not any(tmp_path.iterdir())  # nothing written
