"""Separator sheets: printed, scanned and read back; stacks cut into books at them (PDF, TIFF, a folder of
images); the `sohoa separator` command. No OCR here."""
from __future__ import annotations

import hashlib
import io
import json
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pikepdf
import pytest
import qrcode
from capture_scans import save_pdf, sheet_scan, text_page
from PIL import Image

from domain.errors import InputRejected
from domain.settings import Settings
from ingest import SourceFile, expand
from ingest.pdftoppm import render
from office.capture import separator
from office.capture.book import book_meta
from office.capture.split import find_books, write_book

REPO = Path(__file__).resolve().parents[2]
AUTHORITY = "Ủy ban nhân dân phường Thanh Bình, quận Hải Châu, thành phố Đà Nẵng"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", dpi=100)


def _sources(paths: list[Path], settings: Settings, tmp: Path) -> list[SourceFile]:
    items = list(expand(paths, settings, tmp / "work"))
    assert all(isinstance(i, SourceFile) for i in items), items
    return items


def test_a_scanned_sheet_gives_back_its_metadata_in_nfc(tmp_path):
    nfd = unicodedata.normalize("NFD", AUTHORITY)
    im = sheet_scan(tmp_path, "birth", "01/1998", nfd, "1998")
    meta = separator.read_page(im)
    assert meta is not None
    assert (meta.record_type, meta.book, meta.authority, meta.years) == ("birth", "01/1998", AUTHORITY, "1998")
    assert unicodedata.is_normalized("NFC", meta.authority)


def test_the_sheet_prints_its_metadata_for_people_too(tmp_path):
    pdf = separator.write_sheet(book_meta("death", "02/2001", AUTHORITY, "2001"), tmp_path / "s.pdf")
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) == 1
        assert abs(float(doc.pages[0].mediabox[2]) - 595.27) < 1  # A4
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    for words in ("TỜ PHÂN CÁCH SỔ", "Khai tử", "02/2001", "Hải Châu"):
        assert words in unicodedata.normalize("NFC", text)


def test_ordinary_pages_and_other_qr_codes_are_not_separators(tmp_path):
    assert separator.read_page(text_page("Trang thường")) is None
    page = text_page("Bản sao điện tử")
    page.paste(qrcode.make("https://sohoa.example/verify/abc", box_size=6).get_image().convert("L"), (500, 700))
    assert separator.read_page(page) is None


@pytest.mark.parametrize("text, code", [
    ('{"sohoa":"sohoa-separator","v":2,"book":"1"}', "separator_version"),
    ('{"sohoa":"sohoa-separator","v":1,"type":"birthday","book":"1"}', "invalid_metadata"),
    ('{"sohoa":"sohoa-separator","v":1,"type":"birth","book":7}', "separator_invalid"),
    ('{"sohoa":"sohoa-separator","v":1,"type":"birth"}', "invalid_metadata"),
])
def test_a_separator_that_cannot_be_used_is_refused_with_a_reason(text, code):
    with pytest.raises(InputRejected) as exc:
        separator.parse(text)
    assert exc.value.code == code
    assert exc.value.message and not exc.value.message.isascii()  # a Vietnamese sentence


def test_the_payload_round_trips_and_stays_ascii():
    meta = book_meta("land", "GCN 12", AUTHORITY, "2010-2012", spreads=True)
    text = separator.payload(meta)
    assert text.isascii()
    assert separator.parse(text) == meta


def test_unrelated_codes_parse_to_nothing():
    for text in ("https://example.vn", "[1, 2]", '{"sohoa": "other"}', "not json"):
        assert separator.parse(text) is None


def test_a_pdf_stack_is_cut_into_books_and_the_sheets_are_no_pages(tmp_path, settings):
    pages = [text_page(f"Trang {i}") for i in range(1, 5)]
    stack = save_pdf([pages[0], sheet_scan(tmp_path, "birth", "01/1998", AUTHORITY, "1998", seed=1), pages[1],
                      pages[2], sheet_scan(tmp_path, "death", "02/2001", AUTHORITY, "2001", seed=2), pages[3]],
                     tmp_path / "stack.pdf")
    books = find_books(_sources([stack], settings, tmp_path), settings)
    assert [(b.meta and b.meta.book, [p.number for p in b.pages]) for b in books] == [
        (None, [1]), ("01/1998", [3, 4]), ("02/2001", [6])]
    assert books[2].meta.record_type == "death"

    first = write_book(books[1], tmp_path / "a")
    again = write_book(books[1], tmp_path / "b")
    assert len(first) == 1
    with pikepdf.open(first[0]) as doc:
        assert len(doc.pages) == 2
    # the same stack cut twice gives the same bytes, hence the same page ids: nothing is added twice
    assert hashlib.sha256(first[0].read_bytes()).digest() == hashlib.sha256(again[0].read_bytes()).digest()
    # the pages are copied, not re-rendered: what pdftoppm draws is what the stack held
    original, cut = render(stack, 3, 50), render(first[0], 1, 50)
    assert np.array_equal(np.asarray(original), np.asarray(cut))


def test_a_stack_without_sheets_is_left_whole(tmp_path, settings):
    stack = save_pdf([text_page("Một"), text_page("Hai")], tmp_path / "book.pdf")
    assert find_books(_sources([stack], settings, tmp_path), settings) is None


def test_a_multipage_tiff_is_cut_losslessly(tmp_path, settings):
    pages = [text_page(f"Trang {i}") for i in range(1, 4)]
    sheet = sheet_scan(tmp_path, "marriage", "03/1999", AUTHORITY, "1999")
    tiff = tmp_path / "stack.tif"
    sheet.save(tiff, save_all=True, append_images=pages, compression="tiff_lzw", dpi=(100, 100))
    books = find_books(_sources([tiff], settings, tmp_path), settings)
    assert len(books) == 1 and books[0].meta.book == "03/1999" and len(books[0].pages) == 3
    [out] = write_book(books[0], tmp_path / "cut")
    with Image.open(out) as im:
        assert im.n_frames == 3
        for i, page in enumerate(pages):
            im.seek(i)
            assert np.array_equal(np.asarray(im.convert("L")), np.asarray(page))


def test_a_folder_of_images_is_split_at_a_sheet_image(tmp_path, settings):
    folder = tmp_path / "scans"
    folder.mkdir()
    text_page("Một").save(folder / "p1.png")
    sheet_scan(tmp_path, "land", "GCN-05", AUTHORITY, "2005").save(folder / "p2.png")
    text_page("Hai").save(folder / "p3.png")
    text_page("Ba").save(folder / "p10.png")  # natural order: after p3
    books = find_books(_sources([folder], settings, tmp_path), settings)
    assert [(b.meta and b.meta.book, [Path(p.source.name).name for p in b.pages]) for b in books] == [
        (None, ["p1.png"]), ("GCN-05", ["p3.png", "p10.png"])]
    written = write_book(books[1], tmp_path / "cut")
    assert [p.name for p in written] == ["001-p3.png", "002-p10.png"]
    assert written[0].read_bytes() == (folder / "p3.png").read_bytes()  # whole images are taken as they are


def test_a_zip_of_images_is_split_at_a_sheet_image(tmp_path, settings):
    members = {"a/1.png": text_page("Một"), "a/2.png": sheet_scan(tmp_path, "birth", "07/2007", AUTHORITY, "2007"),
               "a/3.png": text_page("Hai")}
    archive = tmp_path / "scans.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for name, im in members.items():
            buf = io.BytesIO()
            im.save(buf, "PNG")
            z.writestr(name, buf.getvalue())
    books = find_books(_sources([archive], settings, tmp_path), settings)
    assert [(b.meta and b.meta.book, len(b.pages)) for b in books] == [(None, 1), ("07/2007", 1)]
    [written] = write_book(books[1], tmp_path / "cut")
    assert written.name == "001-3.png"


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from api.cli import main; main()", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=120)


def test_the_separator_command_writes_a_sheet_that_reads_back(tmp_path):
    out = tmp_path / "sep.pdf"
    proc = _cli("separator", "--book", "01/1998", "--type", "birth", "--authority", AUTHORITY, "--years", "1998",
                "--out", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["path"] == str(out) and data["payload"]["book"] == "01/1998" and data["payload"]["v"] == 1
    meta = separator.read_page(render(out, 1, 100))
    assert (meta.record_type, meta.book, meta.authority) == ("birth", "01/1998", AUTHORITY)


@pytest.mark.parametrize("args, words", [
    (["--type", "birth"], "Cần số quyển sổ"),
    (["--book", "1", "--type", "birthday"], "không hợp lệ"),
    (["--book", "1", "--out", "/nonexistent-dir/x.pdf"], "Không ghi được tệp"),
])
def test_the_separator_command_refuses_bad_input_in_vietnamese(args, words):
    proc = _cli("separator", *args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert words in " ".join(proc.stderr.split())
