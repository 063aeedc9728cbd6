"""expand() on zip archives: members in order, bombs and unsafe entries refused, the good entries kept."""

from __future__ import annotations

import io
import os
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from ingest_files import image_bytes, make_pdf, make_zip

from domain.errors import InputRejected
from domain.settings import Settings
from ingest import Rejected, SourceFile, archive, expand
from ingest.archive import Budget, copy_limited

PNG = image_bytes("PNG")


def run(path: Path, settings: Settings, workdir: Path) -> list[SourceFile | Rejected]:
    return list(expand([path], settings, workdir))


def codes(items: list[SourceFile | Rejected]) -> dict[str, str]:
    return {i.source if isinstance(i, Rejected) else i.name: getattr(i, "code", "ok") for i in items}


def patch_central(data: bytes, offset: int, fmt: str, value: int, local_offset: int | None = None) -> bytes:
    """Overwrite a field of every central-directory header (and optionally of the local headers)."""
    buf = bytearray(data)
    pos = buf.find(b"PK\x01\x02")
    while pos != -1:
        struct.pack_into(fmt, buf, pos + offset, value)
        pos = buf.find(b"PK\x01\x02", pos + 4)
    if local_offset is not None:
        pos = buf.find(b"PK\x03\x04")
        while pos != -1:
            struct.pack_into(fmt, buf, pos + local_offset, value)
            pos = buf.find(b"PK\x03\x04", pos + 4)
    return bytes(buf)


def test_members_in_natural_order_with_display_names(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    pdf = make_pdf(tmp_path / "x.pdf", pages=2).read_bytes()
    path = make_zip(
        tmp_path / "book.zip",
        {
            "scans/p10.png": PNG,
            "scans/p2.png": PNG,
            "scans/p1.pdf": pdf,
            "__MACOSX/scans/._p1.pdf": b"\0\5\26\7",
            "scans/.DS_Store": b"Bud1",
            "Thumbs.db": b"x",
            "scans/": b"",
        },
    )
    items = run(path, settings, workdir)
    zipname = path.as_posix()
    assert [i.name for i in items] == [f"{zipname}!scans/{n}" for n in ("p1.pdf", "p2.png", "p10.png")]
    assert all(isinstance(i, SourceFile) and i.path.is_file() and workdir in i.path.parents for i in items)
    assert items[0].page_count == 2 and items[0].path.read_bytes() == pdf


def test_good_and_bad_entries(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = make_zip(tmp_path / "mixed.zip", {"a.png": PNG, "b.txt": b"not a scan", "c.png": PNG, "d.pdf": b""})
    z = path.as_posix()
    assert codes(run(path, settings, workdir)) == {
        f"{z}!a.png": "ok",
        f"{z}!b.txt": "unsupported_type",
        f"{z}!c.png": "ok",
        f"{z}!d.pdf": "empty_file",
    }


def test_unsafe_member_names(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = make_zip(
        tmp_path / "evil.zip",
        {
            "../escape.png": PNG,
            "/abs.png": PNG,
            "C:/drive.png": PNG,
            "..\\win.png": PNG,
            "ok.png": PNG,
        },
    )
    items = run(path, settings, workdir)
    got = codes(items)
    assert sorted(got.values()) == ["ok"] + ["zip_unsafe_path"] * 4
    assert not (tmp_path / "escape.png").exists() and not Path("/abs.png").exists()
    assert all(workdir in p.parents for p in workdir.rglob("*"))


def test_symlink_member(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as zf:
        info = zipfile.ZipInfo("scans/link.png")
        info.create_system = 3
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
        zf.writestr("scans/p1.png", PNG)
    assert list(codes(run(path, settings, workdir)).values()) == ["zip_symlink", "ok"]


def test_encrypted_member(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    data = make_zip(tmp_path / "plain.zip", {"a.png": PNG}).read_bytes()
    path = tmp_path / "locked.zip"
    path.write_bytes(patch_central(data, 8, "<H", 0x1, local_offset=6))  # general-purpose bit 0: encrypted
    assert list(codes(run(path, settings, workdir)).values()) == ["zip_encrypted"]


def test_unsupported_compression(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    data = make_zip(tmp_path / "plain.zip", {"a.png": PNG}).read_bytes()
    path = tmp_path / "deflate64.zip"
    path.write_bytes(patch_central(data, 10, "<H", 9, local_offset=8))  # method 9 = Deflate64
    assert list(codes(run(path, settings, workdir)).values()) == ["zip_unsupported_compression"]


def test_corrupt_member_keeps_the_others(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = make_zip(tmp_path / "a.zip", {"a.png": PNG, "b.png": PNG}, method=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    data[60:70] = b"\xff" * 10  # inside a.png's stored bytes: CRC no longer matches
    path.write_bytes(bytes(data))
    assert list(codes(run(path, settings, workdir)).values()) == ["zip_corrupt", "ok"]


def test_corrupt_zip(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + os.urandom(300))
    [item] = run(path, settings, workdir)
    assert isinstance(item, Rejected) and item.code == "zip_corrupt"


def test_office_document_is_not_an_archive(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = make_zip(tmp_path / "bao-cao.docx", {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"})
    [item] = run(path, settings, workdir)
    assert isinstance(item, Rejected) and item.code == "unsupported_type"


def test_empty_archive(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = make_zip(tmp_path / "empty.zip", {"__MACOSX/._x": b"x"})
    [item] = run(path, settings, workdir)
    assert isinstance(item, Rejected) and item.code == "zip_empty"


def test_compression_ratio_bomb(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"zeros.png": b"\0" * 20_000_000, "ok.png": PNG})
    assert list(codes(run(path, settings, workdir)).values()) == ["ok", "zip_bomb"]


def test_declared_ratio_refused_before_inflating(
    tmp_path: Path, settings: Settings, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_zip(tmp_path / "bomb.zip", {"zeros.png": b"\0" * 20_000_000})
    monkeypatch.setattr(archive, "copy_limited", lambda *a, **k: pytest.fail("bomb was inflated"))
    assert list(codes(run(path, settings, workdir)).values()) == ["zip_bomb"]


def test_total_uncompressed_size(tmp_path: Path, workdir: Path) -> None:
    settings = Settings(home=tmp_path, max_zip_total_bytes=len(PNG) * 2)
    path = make_zip(tmp_path / "big.zip", {f"p{i}.png": PNG for i in range(3)})
    [item] = run(path, settings, workdir)
    assert isinstance(item, Rejected) and item.code == "zip_too_large"


def test_header_sizes_are_not_trusted(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    data = make_zip(tmp_path / "real.zip", {"zeros.png": b"\0" * 5_000_000}).read_bytes()
    path = tmp_path / "liar.zip"
    path.write_bytes(patch_central(data, 24, "<I", 1000, local_offset=22))  # claims 1000 bytes uncompressed
    [item] = run(path, settings, workdir)
    assert isinstance(item, Rejected) and item.code in ("zip_bomb", "zip_corrupt")
    assert sum(p.stat().st_size for p in workdir.rglob("*") if p.is_file()) <= 1000


def test_streaming_ratio_limit(settings: Settings) -> None:
    out = io.BytesIO()
    with pytest.raises(InputRejected) as err:
        copy_limited(io.BytesIO(b"\0" * 3_000_000), out, compressed=1000, settings=settings, budget=Budget(10**9))
    assert err.value.code == "zip_bomb" and out.tell() < 3_000_000


def test_streaming_total_limit(settings: Settings) -> None:
    budget = Budget(100_000)
    copy_limited(io.BytesIO(b"x" * 60_000), io.BytesIO(), compressed=60_000, settings=settings, budget=budget)
    with pytest.raises(InputRejected) as err:
        copy_limited(io.BytesIO(b"x" * 60_000), io.BytesIO(), compressed=60_000, settings=settings, budget=budget)
    assert err.value.code == "zip_too_large"


def test_streaming_file_size_limit(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path, max_file_bytes=100_000)
    with pytest.raises(InputRejected) as err:
        copy_limited(
            io.BytesIO(b"x" * 200_000), io.BytesIO(), compressed=200_000, settings=settings, budget=Budget(10**9)
        )
    assert err.value.code == "file_too_large"


def test_too_many_entries(tmp_path: Path, workdir: Path) -> None:
    settings = Settings(home=tmp_path, max_zip_entries=3)
    path = make_zip(tmp_path / "many.zip", {f"p{i}.png": PNG for i in range(4)})
    [item] = run(path, settings, workdir)
    assert isinstance(item, Rejected) and item.code == "zip_too_many_entries"


def test_nested_archives_up_to_max_depth(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    assert settings.max_archive_depth == 2
    level3 = make_zip(tmp_path / "l3.zip", {"deep.png": PNG}).read_bytes()
    level2 = make_zip(tmp_path / "l2.zip", {"mid.png": PNG, "l3.zip": level3}).read_bytes()
    path = make_zip(tmp_path / "l1.zip", {"top.png": PNG, "l2.zip": level2})
    z = path.as_posix()
    assert codes(run(path, settings, workdir)) == {
        f"{z}!l2.zip!l3.zip": "zip_too_deep",
        f"{z}!l2.zip!mid.png": "ok",
        f"{z}!top.png": "ok",
    }


def test_zip_inside_folder_and_repeat_runs_do_not_collide(tmp_path: Path, settings: Settings, workdir: Path) -> None:
    (tmp_path / "in").mkdir()
    a = make_zip(tmp_path / "in" / "a.zip", {"p1.png": PNG})
    make_zip(tmp_path / "in" / "b.zip", {"p1.png": image_bytes("PNG", (10, 10))})
    first = run(tmp_path / "in", settings, workdir)
    second = run(a, settings, workdir)
    paths = {i.path for i in first + second}
    assert len(paths) == 3 and [i.sha256 for i in first][0] == second[0].sha256
    assert [i.name for i in first] == [f"{(tmp_path / 'in').as_posix()}/{n}!p1.png" for n in ("a.zip", "b.zip")]
