"""Phone photos and open-book spreads (ingest.photo): the page's corners on every kind of desk, perspective made
flat at the paper's shape, scans passed through untouched, the quality gate's refusals and their reasons at
intake, and a spread's pages in order — down to a spread photo ingested as two records."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from domain.errors import InputRejected
from domain.settings import Settings
from ingest import Rejected, SourceFile, expand, photo, render_page
from samples.book import render_pages
from samples.photo import DESKS, generate_photos, photograph, spread
from samples.register_book import register_pages

A4_300 = (2480, 3508)


@pytest.fixture(scope="module")
def pages() -> list[Image.Image]:
    return [p.image for p in render_pages("birth", 2, 31, "clean")]


def likeness(image: Image.Image, page: Image.Image) -> float:
    """Best normalised correlation of the page's middle (60% each way) anywhere in ``image``, both at 1/4 of the
    page's size: ≈1 when ``image`` shows that page even a little shifted, far less for another page of the same
    form (its text lines differ)."""
    def small(im: Image.Image, size: tuple[int, int]) -> np.ndarray:
        return np.asarray(im.convert("L").resize(size, Image.Resampling.BOX), np.float32)

    w, h = page.width // 4, page.height // 4
    scaled = small(image, (round(image.width * w / page.width), round(image.height * h / page.height)))
    middle = small(page, (w, h))[h // 5: h - h // 5, w // 5: w - w // 5]
    return float(cv2.matchTemplate(scaled, middle, cv2.TM_CCOEFF_NORMED).max())


@pytest.mark.parametrize("desk", DESKS)
def test_corners_found_on_every_desk(pages: list[Image.Image], desk: str) -> None:
    shot = photograph(pages[0], np.random.default_rng([5, DESKS.index(desk)]), desk=desk)
    corners = photo.find_page(shot.image)
    assert corners is not None
    assert np.abs(corners - shot.corners).max() < 4  # px, in a 3000×4000 photo


def test_flattened_photo_is_the_page_at_a4_300_dpi(pages: list[Image.Image]) -> None:
    shot = photograph(pages[0], np.random.default_rng(6))
    flat = photo.flatten(shot.image)
    assert flat.size == A4_300
    assert likeness(flat, pages[0]) > 0.8
    assert likeness(flat, pages[0]) > likeness(flat, pages[1]) + 0.2
    # Light evened out: the paper is as bright in the photo's shadow as elsewhere.
    grey = np.asarray(flat.convert("L"))
    tiles = [np.percentile(grey[y:y + 400, x:x + 400], 90) for y in range(0, 3100, 700) for x in range(0, 2000, 600)]
    assert max(tiles) - min(tiles) < 20


@pytest.mark.parametrize(("quad", "spreads", "size"), [
    ([[0, 0], [1000, 0], [1000, 1414], [0, 1414]], False, A4_300),  # ISO portrait: A4
    ([[0, 0], [1414, 0], [1414, 1000], [0, 1000]], False, (3508, 2480)),  # ISO landscape: A4 turned
    ([[0, 0], [1414, 0], [1414, 1000], [0, 1000]], True, (4961, 3508)),  # an open book: A3 landscape
    ([[0, 0], [1000, 0], [1000, 1200], [0, 1200]], False, (2923, 3508)),  # another shape: kept, A4's long side
])
def test_output_size_from_the_page_shape(quad: list, spreads: bool, size: tuple[int, int]) -> None:
    assert photo.target_size(np.float32(quad), spread=spreads) == size


@pytest.mark.parametrize("level", ["clean", "moderate", "poor"])
def test_scans_pass_untouched(level: str) -> None:
    scans = [p.image for p in render_pages("death", 2, 32, level)]
    scans += [p.image for p in register_pages("birth", 1, 32, level)]  # a landscape table
    for scan in scans:
        assert photo.find_page(scan) is None
        assert photo.flatten(scan) is scan


def test_scan_file_rendered_and_admitted_as_is(tmp_path: Path) -> None:
    scan = next(iter(render_pages("marriage", 1, 33, "moderate"))).image
    path = tmp_path / "scan.jpg"  # looked at as a possible photo (PDFs and TIFFs are not)
    scan.save(path, quality=90)
    assert photo.gate(path, 10**9) is None
    rendered = render_page(path, "image/jpeg", 1, Settings(home=tmp_path / "home"))
    with Image.open(path) as decoded:
        assert np.array_equal(np.asarray(rendered), np.asarray(decoded.convert(rendered.mode)))


def _refusal(path: Path) -> InputRejected:
    with pytest.raises(InputRejected) as err:
        photo.gate(path, 10**9)
    return err.value


def test_gate_accepts_a_good_photo_and_refuses_blurred_dark_and_tiny(pages: list[Image.Image], tmp_path: Path) -> None:
    good = photograph(pages[1], np.random.default_rng(7))
    good.image.save(tmp_path / "good.jpg", quality=90)
    quality = photo.gate(tmp_path / "good.jpg", 10**9)
    assert quality is not None and quality.sharpness >= photo.MIN_SHARPNESS

    blurred = photograph(pages[1], np.random.default_rng(7), blur=(6.0, 6.0))
    blurred.image.save(tmp_path / "blurred.jpg", quality=90)
    dark = Image.fromarray((np.asarray(good.image) * 0.08).astype(np.uint8))
    dark.save(tmp_path / "dark.jpg", quality=90)
    good.image.resize((450, 600), Image.Resampling.BOX).save(tmp_path / "tiny.jpg", quality=90)
    for name, code, advice in [("blurred", "photo_blurred", "ảnh bị mờ"), ("dark", "photo_dark", "ảnh quá tối"),
                               ("tiny", "photo_small", "trang quá nhỏ")]:
        refusal = _refusal(tmp_path / f"{name}.jpg")
        assert refusal.code == code, name
        assert refusal.message.startswith(f"Chụp lại: {advice}"), refusal.message


def test_intake_reports_the_refusal_and_keeps_the_good_photo(pages: list[Image.Image], tmp_path: Path) -> None:
    folder = tmp_path / "photos"
    folder.mkdir()
    photograph(pages[0], np.random.default_rng(8)).image.save(folder / "p1.jpg", quality=90)
    photograph(pages[1], np.random.default_rng(8), blur=(6.0, 6.0)).image.save(folder / "p2.jpg", quality=90)
    items = list(expand([folder], Settings(home=tmp_path / "home"), tmp_path / "work"))
    assert isinstance(items[0], SourceFile)
    assert isinstance(items[1], Rejected) and items[1].code == "photo_blurred"
    assert items[1].source.endswith("p2.jpg") and "Chụp lại" in items[1].reason


def test_spread_split_left_then_right(pages: list[Image.Image]) -> None:
    left, right = photo.split_spread(spread(pages[0], pages[1], np.random.default_rng(9)))
    assert abs(left.width - pages[0].width) < 0.02 * pages[0].width
    assert likeness(left, pages[0]) > likeness(left, pages[1]) + 0.2
    assert likeness(right, pages[1]) > likeness(right, pages[0]) + 0.2


def test_spread_cut_in_a_bright_strip_between_pages(pages: list[Image.Image]) -> None:
    a, b = (np.asarray(p.convert("RGB")) for p in pages)
    strip = np.full((a.shape[0], 80, 3), 255, np.uint8)
    left, right = photo.split_spread(Image.fromarray(np.concatenate([a, strip, b], axis=1)))
    assert a.shape[1] - 236 < left.width < a.shape[1] + 80 + 354  # in the white: right margin, strip, left margin
    assert likeness(left, pages[0]) > likeness(left, pages[1])


def test_spread_photo_rendered_as_its_two_pages(pages: list[Image.Image], tmp_path: Path) -> None:
    truth = json.loads(generate_photos(tmp_path, "birth", 2, seed=31, kind="spread-photo").read_text("utf-8"))
    path = tmp_path / truth["book"] / truth["files"][0]
    settings = Settings(home=tmp_path / "home")
    left = render_page(path, "image/jpeg", 1, settings, spreads=True)
    right = render_page(path, "image/jpeg", 2, settings, spreads=True)
    assert likeness(left, pages[0]) > likeness(left, pages[1]) + 0.2
    assert likeness(right, pages[1]) > likeness(right, pages[0]) + 0.2
    # each half is about one A4 page at 300 dpi
    for half in (left, right):
        assert abs(half.height - A4_300[1]) < 5 and abs(half.width - A4_300[0]) < 0.03 * A4_300[0]


def test_corners_agree_at_half_resolution(pages: list[Image.Image]) -> None:
    """What the intake gate finds on its half-size decode is where the page is in the full photo."""
    shot = photograph(pages[0], np.random.default_rng(10))
    half = shot.image.resize((1500, 2000), Image.Resampling.BOX)
    full, small = photo.find_page(shot.image), photo.find_page(half)
    assert full is not None and small is not None
    assert np.abs(full - small * 2).max() < 6
    assert cv2.contourArea(full) > 0.4 * shot.image.width * shot.image.height


def test_spread_batch_reads_each_photo_as_two_records_in_order(tmp_path: Path, embedded_settings: Settings) -> None:
    from workers import Context
    from workers.batches import BatchMeta, pages_to_run, register_batch, report
    from workers.stages import process_page

    truth = json.loads(generate_photos(tmp_path, "birth", 2, seed=34, kind="spread-photo").read_text("utf-8"))
    ctx = Context(embedded_settings)
    reg = register_batch([tmp_path / truth["book"]], BatchMeta(record_type="birth", spreads=True), ctx)
    assert reg.new_pages == 2
    from storage.models import Record

    numbers = []
    for page_id in pages_to_run(reg.batch_id, ctx):
        (record_id,) = process_page(page_id, ctx)
        with ctx.db.session() as s:
            numbers.append(s.get(Record, record_id).fields.get("registration_number"))
    assert numbers == [p["fields"]["registration_number"] for p in truth["pages"]]
    assert report(reg.batch_id, ctx)["failed"] == []
