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
    path = tmp_path / "scan.jpg"  # looked at as a possible photo, like every file
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


# -- a photo is told by what it shows, not by its file type ----------------------------------------------------
@pytest.mark.parametrize(("fmt", "media_type"), [("PNG", "image/png"), ("WEBP", "image/webp")])
def test_a_photo_in_any_file_is_flattened(pages: list[Image.Image], tmp_path: Path, fmt: str, media_type: str) -> None:
    """A phone photo saved as PNG or WebP (a messaging app, a screenshot tool): the same page found, flattened to
    A4 at 300 dpi, and gated at intake like a JPEG."""
    from ingest.sniff import sniff

    shot = photograph(pages[0], np.random.default_rng(11))
    path = tmp_path / f"anh.{fmt.lower()}"
    options = {"lossless": False, "quality": 90} if fmt == "WEBP" else {}
    shot.image.save(path, fmt, **options)
    assert sniff(path) == media_type
    flat = render_page(path, media_type, 1, Settings(home=tmp_path / "home"))
    assert flat.size == A4_300
    assert likeness(flat, pages[0]) > likeness(flat, pages[1]) + 0.2
    assert photo.gate(path, 10**9) is not None  # judged as a photo (a scan gives None)
    photograph(pages[0], np.random.default_rng(11), blur=(6.0, 6.0)).image.save(path, fmt, **options)
    assert _refusal(path).code == "photo_blurred"


def test_a_framed_scan_with_dark_borders_is_not_taken_for_a_photo(tmp_path: Path) -> None:
    """A certificate photocopied a little askew, with the copier's dark border round it and its printed frame: the
    page is found (paper with dark all round) but it is a rectangle — no perspective — so it stays a scan."""
    scan = np.asarray(next(iter(render_pages("land", 1, 35, "clean"))).image.convert("RGB"))
    h, w = scan.shape[:2]
    canvas = np.full((h + 400, w + 400, 3), 35, np.uint8)
    canvas[200:200 + h, 200:200 + w] = scan
    turned = Image.fromarray(canvas).rotate(1.5, resample=Image.Resampling.BILINEAR, fillcolor=(35, 35, 35))
    corners = photo.find_page(turned)
    assert corners is not None and not photo.shows_perspective(corners)
    assert photo.flatten(turned) is turned
    turned.save(tmp_path / "ban-sao.png")
    assert photo.gate(tmp_path / "ban-sao.png", 10**9) is None


# -- page curl ---------------------------------------------------------------------------------------------
RULES = range(300, 3300, 360)  # y of the ruled lines the bend is measured on


def _lined_page() -> np.ndarray:
    """An A4 page at 300 dpi: 26 lines of Vietnamese text, a ruled line across the page every third line."""
    from PIL import ImageDraw

    from samples.fonts import font as project_font

    im = Image.new("L", A4_300, 250)
    draw = ImageDraw.Draw(im)
    font = project_font("serif", 44)
    for i, y in enumerate(range(200, 3300, 120)):
        line = f"Dòng {i + 1}: Nguyễn Văn An sinh ngày 15 tháng 3 năm 1998 tại Đà Nẵng"
        draw.text((200, y), line, font=font, fill=20)
    for y in RULES:
        draw.line([(150, y), (A4_300[0] - 150, y)], fill=0, width=4)
    return np.asarray(im.convert("RGB"))


def _curl(page: np.ndarray, amplitude: float) -> np.ndarray:
    """Lines bent as by an open book's spine on the right: more towards the right edge and towards top and bottom."""
    h, w = page.shape[:2]
    bend = amplitude * np.linspace(0, 1, w, dtype=np.float32) ** 2
    map_x = np.broadcast_to(np.arange(w, dtype=np.float32), (h, w))
    map_y = np.arange(h, dtype=np.float32)[:, None] + bend[None, :] * np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    return cv2.remap(page, np.ascontiguousarray(map_x), map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def _bends(page: np.ndarray) -> list[int]:
    """For each ruled line, how far its height varies across the page (px): where, in each column band, a
    41-px-wide run is darkest within reach of the line (text is broken, the rule is not)."""
    grey = cv2.blur(cv2.cvtColor(page, cv2.COLOR_RGB2GRAY).astype(np.float32), (41, 1))
    out = []
    for y0 in RULES:
        ys = [y0 - 100 + int(np.argmin(grey[y0 - 100:y0 + 100, x])) for x in range(250, A4_300[0] - 250, 100)]
        out.append(max(ys) - min(ys))
    return out


def test_page_curl_straightened_within_a_few_pixels() -> None:
    flat = _lined_page()
    assert max(_bends(flat)) <= 1
    curled = _curl(flat, 40.0)
    assert max(_bends(curled)) >= 20
    assert max(_bends(photo.dewarp(curled))) <= 5


def test_a_flat_page_is_not_resampled() -> None:
    flat = _lined_page()
    assert photo.dewarp(flat) is flat
    blank = np.full((A4_300[1], A4_300[0], 3), 245, np.uint8)  # no lines to tell a bend by
    assert photo.dewarp(blank) is blank
