"""expand() on plain files and folders: good inputs, and each kind of bad input refused with its own code."""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from ingest_files import image_bytes, make_image, make_pdf, make_tiff, page

from domain.settings import Settings
from ingest import Rejected, SourceFile, expand


def run(paths: list[Path], settings: Settings, workdir: Path) -> list[SourceFile | Rejected]:
    return list(expand(paths, settings, workdir))


def one(path: Path, settings: Settings, workdir: Path) -> SourceFile | Rejected:
    [item] = run([path], settings, workdir)
    return item


def rejected_code(path: Path, settings: Settings, workdir: Path) -> str:
    item = one(path, settings, workdir)
    assert isinstance(item, Rejected), item
    assert item.reason and item.page is None and item.source == path.as_posix()
    return item.code


# --- good files -------------------------------------------------------------------------------------------


def test_good_pdf(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = make_pdf(tmp_path / "so.pdf", pages=3)
    item = one(path, settings, workdir)
    assert isinstance(item, SourceFile)
    assert (item.media_type, item.page_count, item.size) == ("application/pdf", 3, path.stat().st_size)
    assert item.path == path and item.name == path.as_posix()
    assert item.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_multipage_tiff(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    item = one(make_tiff(tmp_path / "so.tif", pages=4), settings, workdir)
    assert isinstance(item, SourceFile) and (item.media_type, item.page_count) == ("image/tiff", 4)


def test_jpeg_and_png(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    items = run([make_image(tmp_path / "a.jpg", "JPEG"), make_image(tmp_path / "b.png", "PNG")], settings, workdir)
    assert [(i.media_type, i.page_count) for i in items] == [("image/jpeg", 1), ("image/png", 1)]


def test_type_is_sniffed_not_taken_from_extension(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    item = one(make_image(tmp_path / "scan.pdf", "PNG"), settings, workdir)
    assert isinstance(item, SourceFile) and item.media_type == "image/png"


def test_sha256_is_of_content_and_stable(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    a = make_image(tmp_path / "a.png", "PNG")
    b = tmp_path / "sub" / "copy.png"
    b.parent.mkdir()
    b.write_bytes(a.read_bytes())
    first, second = run([a, b], settings, workdir)
    again = one(a, settings, workdir)
    assert first.sha256 == second.sha256 == again.sha256 == hashlib.sha256(a.read_bytes()).hexdigest()


def test_owner_password_only_pdf_is_accepted(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    src = make_pdf(tmp_path / "src.pdf", pages=2)
    path = tmp_path / "restricted.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="", owner="chu-so-huu"))
    item = one(path, settings, workdir)
    assert isinstance(item, SourceFile) and item.page_count == 2


# --- folders ----------------------------------------------------------------------------------------------


def test_folder_natural_order_and_hidden_files(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    root = tmp_path / "book"
    (root / "q2").mkdir(parents=True)
    (root / "q10").mkdir()
    for rel in ["p10.png", "p2.png", "p1.png", "q10/a.png", "q2/b.png"]:
        make_image(root / rel, "PNG")
    (root / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (root / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "._p1.png").write_bytes(b"\0\5\26\7")
    names = [i.name for i in run([root], settings, workdir)]
    base = root.as_posix()
    assert names == [f"{base}/{r}" for r in ["p1.png", "p2.png", "p10.png", "q2/b.png", "q10/a.png"]]


def test_bad_file_does_not_stop_the_batch(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    (tmp_path / "p1.pdf").write_bytes(b"%PDF-1.4 garbage")
    make_image(tmp_path / "p2.png", "PNG")
    items = run([tmp_path / "p1.pdf", tmp_path / "missing.tif", tmp_path / "p2.png"], settings, workdir)
    assert [type(i).__name__ for i in items] == ["Rejected", "Rejected", "SourceFile"]


def test_special_file_is_not_read(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    assert rejected_code(fifo, settings, workdir) == "unsupported_type"


def test_missing_path(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    assert rejected_code(tmp_path / "khong-co.pdf", settings, workdir) == "not_found"


# --- bad files --------------------------------------------------------------------------------------------


def test_corrupt_pdf(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = tmp_path / "x.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 20 + b"\n%%EOF\n")
    assert rejected_code(path, settings, workdir) == "pdf_corrupt"


def test_truncated_pdf(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    # qpdf would "recover" one page of three from this; it must be refused, not silently shortened
    data = make_pdf(tmp_path / "full.pdf", pages=3).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(data[: len(data) // 2])
    assert rejected_code(path, settings, workdir) == "pdf_corrupt"


def test_encrypted_pdf(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    src = make_pdf(tmp_path / "src.pdf", pages=1)
    path = tmp_path / "locked.pdf"
    with pikepdf.open(src) as pdf:
        pdf.save(path, encryption=pikepdf.Encryption(user="mat-khau", owner="chu-so-huu"))
    assert rejected_code(path, settings, workdir) == "pdf_encrypted"


def test_pdf_without_pages(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = tmp_path / "empty.pdf"
    pikepdf.new().save(path)
    assert rejected_code(path, settings, workdir) == "pdf_no_pages"


def test_too_many_pages(tmp_path: Path, workdir: Path) -> None:
    settings = Settings(home=tmp_path, max_pdf_pages=2)
    assert rejected_code(make_pdf(tmp_path / "a.pdf", pages=3), settings, workdir) == "too_many_pages"
    assert rejected_code(make_tiff(tmp_path / "a.tif", pages=3), settings, workdir) == "too_many_pages"


def test_unsupported_types(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    txt = tmp_path / "notes.pdf"
    txt.write_text("Biên bản họp, không phải PDF", encoding="utf-8")
    gif = make_image(tmp_path / "a.gif", "GIF")
    bmp = make_image(tmp_path / "a.bmp", "BMP")
    for path in (txt, gif, bmp):
        assert rejected_code(path, settings, workdir) == "unsupported_type", path


def test_empty_file(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = tmp_path / "zero.pdf"
    path.touch()
    assert rejected_code(path, settings, workdir) == "empty_file"


def test_file_over_max_bytes(tmp_path: Path, workdir: Path) -> None:
    settings = Settings(home=tmp_path, max_file_bytes=1000)
    assert rejected_code(make_pdf(tmp_path / "big.pdf"), settings, workdir) == "file_too_large"


def test_image_over_max_pixels(tmp_path: Path, workdir: Path) -> None:
    settings = Settings(home=tmp_path, max_image_pixels=200 * 300 - 1)
    assert rejected_code(make_image(tmp_path / "a.png", "PNG"), settings, workdir) == "image_too_large"
    assert rejected_code(make_tiff(tmp_path / "a.tif", pages=2), settings, workdir) == "image_too_large"


def test_later_tiff_frame_over_max_pixels(tmp_path: Path, workdir: Path) -> None:
    path = tmp_path / "mixed.tif"
    page(0, (100, 100)).save(path, save_all=True, append_images=[page(1, (400, 400))])
    settings = Settings(home=tmp_path, max_image_pixels=100 * 100)
    assert rejected_code(path, settings, workdir) == "image_too_large"


def png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_decompression_bomb_png(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = tmp_path / "bomb.png"
    path.write_bytes(png_header_only(50_000, 50_000))
    assert rejected_code(path, settings, workdir) == "image_too_large"


@pytest.mark.filterwarnings("ignore:Corrupt EXIF data")
def test_corrupt_image(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    jpeg = tmp_path / "bad.jpg"
    jpeg.write_bytes(b"\xff\xd8\xff" + b"\x00" * 500)
    tif = tmp_path / "bad.tif"
    tif.write_bytes(b"II*\x00" + b"\xff" * 200)
    for path in (jpeg, tif):
        assert rejected_code(path, settings, workdir) == "image_corrupt", path


def test_png_with_damaged_data(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    good = bytearray(image_bytes("PNG"))
    idat = good.index(b"IDAT") + 4
    good[idat + 2] ^= 0xFF  # header still fine; the IDAT chunk's CRC no longer matches
    path = tmp_path / "bad.png"
    path.write_bytes(bytes(good))
    assert rejected_code(path, settings, workdir) == "image_corrupt"
