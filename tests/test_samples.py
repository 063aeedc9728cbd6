"""Sample-data generator: records are valid and consistent, books are readable, and Tesseract can read pages."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from domain.records import FIELDS, RecordType
from domain.text import fold
from samples import date_in_words, generate_book, generate_records, main, number_in_words
from samples.places import REFORM_DATE, units
from samples.records import names_dir_of

N = 400


@pytest.fixture(scope="module")
def records() -> list[dict]:
    return list(generate_records(N, seed=11))


# ---- numbers and dates in words --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "words"),
    [
        (date(1998, 3, 15), "Ngày mười lăm tháng ba năm một nghìn chín trăm chín mươi tám"),
        (date(2005, 1, 1), "Ngày mồng một tháng một năm hai nghìn không trăm linh năm"),
        (date(2021, 4, 24), "Ngày hai mươi tư tháng tư năm hai nghìn không trăm hai mươi mốt"),
        (date(1910, 10, 10), "Ngày mồng mười tháng mười năm một nghìn chín trăm mười"),
        (date(2000, 12, 31), "Ngày ba mươi mốt tháng mười hai năm hai nghìn"),
        (date(1975, 11, 14), "Ngày mười bốn tháng mười một năm một nghìn chín trăm bảy mươi lăm"),
        (date(2010, 7, 20), "Ngày hai mươi tháng bảy năm hai nghìn không trăm mười"),
    ],
)
def test_date_in_words(day: date, words: str) -> None:
    assert date_in_words(day) == words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (5, "năm"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (105, "một trăm linh năm"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (2015, "hai nghìn không trăm mười lăm"),
        (352, "ba trăm năm mươi hai"),
        (1_200_000, "một triệu hai trăm nghìn"),
    ],
)
def test_number_in_words(n: int, words: str) -> None:
    assert number_in_words(n) == words


# ---- records ------------------------------------------------------------------------------------------------
def test_records_are_deterministic_by_seed() -> None:
    assert list(generate_records(60, seed=3)) == list(generate_records(60, seed=3))
    assert list(generate_records(60, seed=3)) != list(generate_records(60, seed=4))


def test_every_type_has_exactly_the_canonical_fields(records: list[dict]) -> None:
    seen = set()
    for rec in records:
        kind = RecordType(rec["type"])
        seen.add(kind)
        assert set(rec) - {"record_id", "type"} == set(FIELDS[kind]), kind
        for name, value in rec.items():
            assert value not in ("", None, []), (name, rec)
    assert seen == set(RecordType)
    for kind in RecordType:
        assert all(r["type"] == kind for r in generate_records(20, seed=1, record_type=kind))


def test_personal_id_matches_birth_year_and_gender(records: list[dict]) -> None:
    provinces = {u.province_code for u in units(False)} | {u.province_code for u in units(True)}
    checked = 0
    for rec in records:
        if rec["type"] not in ("birth", "death"):
            continue
        pid, born = rec["personal_id"], date.fromisoformat(rec["date_of_birth"])
        assert re.fullmatch(r"\d{12}", pid), pid
        assert pid[0] == "0" and pid[1:3] in provinces, pid
        century = 0 if born.year < 2000 else 2
        assert int(pid[3]) == century + (rec["gender"] == "female"), (pid, rec["gender"], born)
        assert pid[4:6] == f"{born.year % 100:02d}", (pid, born)
        checked += 1
    assert checked > 100


def _written_units(post: bool) -> set[str]:
    return {f"Ủy ban nhân dân {u.written()}" for u in units(post)}


def test_dates_places_and_numbers_are_consistent(records: list[dict]) -> None:
    old, new = _written_units(False), _written_units(True)
    for r in records:
        if r["type"] == "land":
            issued = date.fromisoformat(r["issue_date"])
            digits = 8 if issued >= date(2024, 8, 1) else 6
            assert re.fullmatch(rf"[A-ZĐ]{{2}} \d{{{digits}}}", r["certificate_serial"]), r["certificate_serial"]
            assert re.fullmatch(r"C[HS]\d{5}", r["registry_number"])
            assert isinstance(r["area_m2"], float) and r["area_m2"] > 0
            assert len(r["owner_names"]) == len(r["owner_birth_years"]) == len(r["owner_ids"])
            assert all(int(y) <= issued.year - 18 for y in r["owner_birth_years"])
            continue
        reg = date.fromisoformat(r["registration_date"])
        assert r["registration_authority"] in (new if reg >= REFORM_DATE else old), r["registration_authority"]
        assert re.fullmatch(rf"\d{{2}}/{reg.year}", r["book_number"])
        if r["type"] == "birth":
            born = date.fromisoformat(r["date_of_birth"])
            assert born < reg
            assert r["date_of_birth_in_words"] == date_in_words(born)
            assert 15 <= born.year - int(r["mother_birth_year"]) <= 50
            assert 15 <= born.year - int(r["father_birth_year"]) <= 60
            assert r["gender"] in ("male", "female")
            if r["declarant_relationship"] == "Cha":
                assert r["declarant_name"] == r["father_name"]
        elif r["type"] == "death":
            assert date.fromisoformat(r["date_of_birth"]) < date.fromisoformat(r["date_of_death"]) <= reg
            assert re.fullmatch(r"\d{2}:\d{2}", r["time_of_death"])
        else:
            assert (reg - date.fromisoformat(r["wife_date_of_birth"])).days >= 18 * 365
            assert (reg - date.fromisoformat(r["husband_date_of_birth"])).days >= 20 * 365
            for who in ("wife", "husband"):
                number = r[f"{who}_id_document"].rsplit(" ", 1)[1]
                assert len(number) == (9 if reg < date(2016, 1, 1) else 12)


def test_both_eras_are_present(records: list[dict]) -> None:
    dates = [date.fromisoformat(r.get("registration_date") or r["issue_date"]) for r in records]
    post = sum(d >= REFORM_DATE for d in dates)
    assert 0.05 * N < post < 0.3 * N
    # pre-reform addresses name a district, post-reform ones do not
    for r, d in zip(records, dates, strict=True):
        place = r.get("registration_authority") or r["parcel_address"]
        has_district = any(t in place for t in ("quận ", "huyện ", "thị xã ")) or place.count(",") >= 2
        if d < REFORM_DATE:
            assert has_district, place


def test_family_name_mostly_passed_from_father(records: list[dict]) -> None:
    births = [r for r in records if r["type"] == "birth"]
    same = sum(r["full_name"].split()[0] == r["father_name"].split()[0] for r in births)
    assert same >= 0.85 * len(births)
    assert sum(r["ethnicity"] == "Kinh" for r in births) > 0.6 * len(births)


def test_works_without_shared_data(tmp_path: Path) -> None:
    assert names_dir_of(tmp_path) is None
    recs = list(generate_records(50, seed=2, data_dir=tmp_path))
    assert len(recs) == 50 and all(r["record_id"] for r in recs)


def test_generate_records_streams_the_count_asked() -> None:
    # Its speed is the search benchmark's to measure (bench/search.py), never a timing asserted here.
    assert sum(1 for _ in generate_records(20_000, seed=5)) == 20_000


# ---- books ----------------------------------------------------------------------------------------------------
def test_pdf_book_page_count_truth_and_determinism(tmp_path: Path) -> None:
    from pdf2image import convert_from_path, pdfinfo_from_path

    book = generate_book(tmp_path / "a", "mixed", pages=3, seed=4, degradation="moderate", fmt="pdf")
    again = generate_book(tmp_path / "b", "mixed", pages=3, seed=4, degradation="moderate", fmt="pdf")
    pdf = book.path
    assert book.paths == [pdf]
    assert pdf.suffix == ".pdf" and book.truth_path.name == f"{book.name}.truth.json"
    assert pdfinfo_from_path(str(pdf))["Pages"] == 3
    images = convert_from_path(str(pdf), dpi=30)
    assert len(images) == 3 and images[0].size[1] > images[0].size[0]
    assert hashlib.sha256(pdf.read_bytes()).digest() == hashlib.sha256(again.paths[0].read_bytes()).digest()
    truth = book.truth
    assert truth["book"] == book.name and [p["page"] for p in truth["pages"]] == [1, 2, 3]
    for page in truth["pages"]:
        assert set(page["fields"]) == set(FIELDS[RecordType(page["type"])])
        lines = page["text"].split("\n")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
        main_name = (
            page["fields"].get("full_name") or page["fields"].get("wife_name") or page["fields"]["owner_names"][0]
        )
        assert main_name in page["text"]
    # fields of the book are those generate_records gives for the same seed and type
    assert [p["fields"] for p in truth["pages"]] == [
        {k: v for k, v in r.items() if k not in ("record_id", "type")} for r in generate_records(3, 4, "mixed")
    ]


def test_tiff_and_image_folders(tmp_path: Path) -> None:
    tiff = generate_book(tmp_path, "death", pages=2, seed=1, degradation="clean", fmt="tiff")
    with Image.open(tiff.paths[0]) as im:
        assert im.n_frames == 2 and im.size == (2480, 3508)
    jpegs = generate_book(tmp_path, "land", pages=2, seed=1, degradation="poor", fmt="jpeg")
    assert [p.name for p in jpegs.paths] == ["page-0001.jpg", "page-0002.jpg"]
    assert jpegs.path == jpegs.paths[0].parent and jpegs.path.is_dir()
    with Image.open(jpegs.paths[0]) as im:
        assert im.mode == "L"  # a photocopy


def test_degradation_levels_differ_and_bad_names_fail(tmp_path: Path) -> None:
    from samples.book import render_pages

    pages = {lv: next(render_pages("birth", 1, 9, lv)).image for lv in ("clean", "moderate", "poor")}
    assert pages["clean"].tobytes() != pages["moderate"].convert("RGB").tobytes()
    with pytest.raises(ValueError):
        generate_book(tmp_path, "birth", pages=1, degradation="terrible")
    with pytest.raises(ValueError):
        generate_book(tmp_path, "divorce", pages=1)


def test_cli_prints_written_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                str(tmp_path),
                "--type",
                "marriage",
                "--pages",
                "1",
                "--seed",
                "2",
                "--degradation",
                "clean",
                "--format",
                "png",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out.split()
    assert printed[-1].endswith(".truth.json") and all(Path(p).exists() for p in printed)


# ---- real OCR ---------------------------------------------------------------------------------------------------
def _tesseract(image: Path) -> str:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract not installed")
    done = subprocess.run(["tesseract", str(image), "-", "-l", "vie"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return fold(done.stdout)


def test_ocr_reads_the_name_on_a_clean_page(tmp_path: Path) -> None:
    book = generate_book(tmp_path, "birth", pages=1, seed=21, degradation="clean", fmt="png")
    text = _tesseract(book.paths[0])
    fields = book.pages[0]["fields"]
    assert fold(fields["full_name"]) in text
    assert fields["personal_id"] in text


def test_ocr_reads_most_labels_on_a_moderate_page(tmp_path: Path) -> None:
    book = generate_book(tmp_path, "death", pages=1, seed=22, degradation="moderate", fmt="jpeg")
    text = _tesseract(book.paths[0])
    labels = [line.split(":")[0] for line in book.pages[0]["text"].split("\n") if ":" in line]
    found = [label for label in labels if fold(label) in text]
    assert len(labels) >= 10 and len(found) >= 0.75 * len(labels), set(labels) - set(found)


# ---- phone photos and spreads (samples.photo) ------------------------------------------------------------------
def test_photos_are_deterministic_with_truth_and_corners_in_the_frame(tmp_path: Path) -> None:
    import json

    from samples.photo import PHOTO_SIZE, generate_photos

    digests = []
    for run in ("a", "b"):
        truth_path = generate_photos(tmp_path / run, "death", 2, seed=5, kind="photo")
        folder = truth_path.parent / truth_path.name.removesuffix(".truth.json")
        digests.append([hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob("*.jpg"))])
    assert digests[0] == digests[1] and len(digests[0]) == 2
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    assert [p["page"] for p in truth["pages"]] == [1, 2]
    assert all(p["fields"]["full_name"] for p in truth["pages"])
    with Image.open(folder / truth["images"][0]["file"]) as im:
        assert im.size == PHOTO_SIZE and im.format == "JPEG"
    for image in truth["images"]:
        corners = image["corners"]
        assert all(0 < x < PHOTO_SIZE[0] and 0 < y < PHOTO_SIZE[1] for x, y in corners)


def test_spreads_put_two_pages_side_by_side_in_order(tmp_path: Path) -> None:
    import json

    from samples.photo import generate_photos

    truth = json.loads(generate_photos(tmp_path, "birth", 3, seed=6, kind="spread").read_text(encoding="utf-8"))
    assert [i["pages"] for i in truth["images"]] == [[1, 2], [3]]  # an odd last page alone
    with Image.open(tmp_path / truth["book"] / truth["files"][0]) as im:
        assert im.size == (2 * 2480, 3508)  # two A4 pages: A3 landscape at 300 dpi
    with pytest.raises(ValueError, match="unknown kind"):
        generate_photos(tmp_path, "birth", 1, kind="fax")


def test_cli_sample_photo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path), "--type", "land", "--pages", "1", "--photo", "--seed", "2"]) == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(tmp_path / "land-photo-s2.truth.json")]
    assert (tmp_path / "land-photo-s2" / "page-0001.jpg").exists()
