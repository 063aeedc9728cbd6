"""Handwritten sample registers: the fonts really have every Vietnamese letter, pages are the same for a seed,
and the truth says what is written (with the amendments' notes)."""
from __future__ import annotations

import io
import json
import shutil

import numpy as np
import pytest

from samples.fonts import VIETNAMESE_LETTERS, hand_fonts
from samples.register_book import COLUMNS, register_pages
from tests.conftest import IN_CI


@pytest.fixture(scope="module")
def fonts():
    found = hand_fonts()
    if not found:
        if IN_CI:
            pytest.fail("handwriting fonts missing in CI (scripts/bootstrap.sh --test installs them with npm)")
        pytest.skip("handwriting fonts not installed (scripts/bootstrap.sh installs them with npm)")
    return found


def test_every_letter_is_in_the_file_chosen_for_it(fonts):
    from fontTools.ttLib import TTFont

    wanted = VIETNAMESE_LETTERS + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/,.-:()"
    assert len(VIETNAMESE_LETTERS) == 134  # 67 letters with diacritics (đ included), both cases
    for hand in fonts:
        cmaps = {path: TTFont(path).getBestCmap() for path, _ in hand.subsets}
        missing = [ch for ch in wanted if ord(ch) not in cmaps[hand.file_for(ch)]]
        assert not missing, f"{hand.family}: {''.join(missing)}"


def test_a_family_without_every_letter_is_not_used(fonts, tmp_path):
    real = fonts[0]
    folder = tmp_path / "node_modules" / "@fontsource" / real.family
    (folder / "files").mkdir(parents=True)
    for path, _ in real.subsets:
        shutil.copy(path, folder / "files" / path.name)
    # As Caveat ships: latin and latin-ext only, so no ơ, ư, ạ…
    ranges = {"latin-ext": "U+0100-02BA,U+1E00-1E9F", "latin": "U+0000-00FF"}
    (folder / "unicode.json").write_text(json.dumps(ranges), encoding="utf-8")
    assert hand_fonts(tmp_path) == ()
    (folder / "unicode.json").write_text(json.dumps({"vietnamese": "U+0102-0103,U+0110-0111,U+0128-0129,"
                                                     "U+0168-0169,U+01A0-01A1,U+01AF-01B0,U+1EA0-1EF9", **ranges}))
    assert [h.family for h in hand_fonts(tmp_path)] == [real.family]


def _png(image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


@pytest.fixture(scope="module")
def book(fonts):
    return list(register_pages("birth", 1, seed=1, degradation="clean", hand=True))


def test_same_seed_same_pages(book):
    again, other = (next(register_pages("birth", 1, seed=s, degradation="clean", hand=True)) for s in (1, 2))
    assert _png(again.image) == _png(book[0].image)
    assert again.truth() == book[0].truth()
    assert _png(other.image) != _png(book[0].image)


def test_truth_has_every_written_field_and_the_notes(book):
    records = [r for page in book for r in page.truth()["records"]]
    assert len(records) >= 6
    numbers = [int(r["fields"]["registration_number"]) for r in records]
    assert numbers == list(range(numbers[0], numbers[0] + len(numbers)))
    for r in records:
        assert {c.field for c in COLUMNS["birth"]} <= r["fields"].keys()
        assert r["fields"]["book_number"] and r["fields"]["registration_authority"]
    amended = [r for r in records if "notes" in r]
    assert amended, "seed 1 has amended entries on its first page"
    for r in amended:
        assert r["status"] == "amended"
        assert r["notes"].startswith("Cải chính họ tên từ " + r["fields"]["full_name"] + " thành ")


def test_entries_are_in_coloured_ink_not_printed_black(book):
    pixels = np.asarray(book[0].image.convert("RGB"), dtype=np.int16)
    table = pixels[500:2300, 150:3000]
    # Printed parts are near-black or paper; handwriting is blue, violet or blue-black ballpoint/fountain ink,
    # or black ink thinned by pressure (grey). Blue ink shows as blue well above red.
    bluish = ((table[..., 2] - table[..., 0]) > 30).sum()
    assert bluish > 5_000


def test_printed_registers_are_unchanged_by_the_pen_option():
    printed = next(register_pages("birth", 1, seed=3, degradation="clean"))
    assert all("notes" not in r for r in printed.truth()["records"])
    pixels = np.asarray(printed.image.convert("RGB"), dtype=np.int16)
    assert ((pixels[..., 2] - pixels[..., 0]) > 30).sum() == 0


def test_cli_writes_a_handwritten_book_and_refuses_a_handwritten_form(fonts, tmp_path):
    from typer.testing import CliRunner

    from api.cli import app

    result = CliRunner().invoke(app, ["sample", str(tmp_path), "--type", "death", "--layout", "register",
                                      "--hand", "--pages", "1", "--format", "png", "--degradation", "poor"])
    assert result.exit_code == 0, result.output
    truth = json.loads((tmp_path / "death-register-hand-poor-s0.truth.json").read_text(encoding="utf-8"))
    assert truth["hand"] is True and truth["layout"] == "register"
    assert truth["pages"][0]["records"][0]["fields"]["date_of_death"]
    assert (tmp_path / "death-register-hand-poor-s0" / "page-0001.png").is_file()
    refused = CliRunner().invoke(app, ["sample", str(tmp_path), "--hand"])
    assert refused.exit_code != 0
    assert "viết tay" in str(refused.exception) + refused.output
