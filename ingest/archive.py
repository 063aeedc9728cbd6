"""Zip archives: unpack members into the caller's workdir one at a time, refusing bombs and unsafe names."""

from __future__ import annotations

import lzma
import re
import stat
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from domain.errors import InputRejected
from domain.settings import Settings
from ingest.names import is_hidden, path_key, safe_member_path
from ingest.sources import Rejected

RATIO_GRACE_BYTES = 1 << 20  # below 1 MiB out, a high ratio is harmless (blank pages compress ~1000:1)
_CHUNK = 1 << 16
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


class ArchiveRejected(InputRejected):
    """The whole archive is refused (as opposed to one of its members)."""


class Budget:
    """Uncompressed bytes still allowed for one archive, counted as they are written."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.used = 0

    def spend(self, n: int) -> None:
        self.used += n
        if self.used > self.limit:
            raise self.exceeded()

    def exceeded(self) -> ArchiveRejected:
        return ArchiveRejected(
            f"Tệp nén giải nén ra quá {self.limit} byte; nghi là 'bom nén', đã dừng giải nén.",
            code="zip_too_large",
        )


def copy_limited(src: BinaryIO, dst: BinaryIO, *, compressed: int, settings: Settings, budget: Budget) -> int:
    """Stream one member, enforcing ratio, per-file size and archive total on the bytes actually produced
    (header sizes are checked before, but are not trusted)."""
    written = 0
    while chunk := src.read(_CHUNK):
        written += len(chunk)
        budget.spend(len(chunk))
        if written > settings.max_file_bytes:
            raise InputRejected(
                f"Tệp trong gói nén quá lớn, vượt giới hạn {settings.max_file_bytes} byte.",
                code="file_too_large",
            )
        if written > RATIO_GRACE_BYTES and written > settings.max_zip_ratio * max(compressed, 1):
            raise _bomb(settings)
        dst.write(chunk)
    return written


def _bomb(settings: Settings) -> InputRejected:
    return InputRejected(
        f"Tệp trong gói nén có tỉ lệ nén vượt {settings.max_zip_ratio:g}:1; nghi là 'bom nén'.", code="zip_bomb"
    )


def _open(path: Path, settings: Settings) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise ArchiveRejected(f"Tệp nén ZIP bị hỏng, không mở được ({exc}).", code="zip_corrupt") from None
    names = zf.namelist()
    if "[Content_Types].xml" in names or names[:1] == ["mimetype"]:
        zf.close()
        raise ArchiveRejected(
            "Đây là tài liệu Office/OpenDocument (ví dụ .docx), không phải bản quét; hãy xuất ra PDF.",
            code="unsupported_type",
        )
    if len(names) > settings.max_zip_entries:
        zf.close()
        raise ArchiveRejected(
            f"Tệp nén có {len(names)} mục, vượt giới hạn {settings.max_zip_entries} mục.",
            code="zip_too_many_entries",
        )
    return zf


def _check_entry(info: zipfile.ZipInfo, settings: Settings) -> None:
    if stat.S_ISLNK(info.external_attr >> 16):
        raise InputRejected("Mục trong gói nén là liên kết tượng trưng (symlink); đã bỏ qua.", code="zip_symlink")
    if info.flag_bits & 0x1:
        raise InputRejected("Mục trong gói nén được đặt mật khẩu; hãy nén lại không mật khẩu.", code="zip_encrypted")
    if info.file_size > RATIO_GRACE_BYTES and info.file_size > settings.max_zip_ratio * max(info.compress_size, 1):
        raise _bomb(settings)
    if info.file_size > settings.max_file_bytes:
        raise InputRejected(
            f"Tệp trong gói nén quá lớn ({info.file_size} byte), vượt giới hạn {settings.max_file_bytes} byte.",
            code="file_too_large",
        )


def _extract(zf: zipfile.ZipFile, info: zipfile.ZipInfo, out: Path, settings: Settings, budget: Budget) -> None:
    try:
        with zf.open(info) as src, out.open("wb") as dst:
            copy_limited(src, dst, compressed=info.compress_size, settings=settings, budget=budget)
    except zipfile.BadZipFile as exc:
        raise InputRejected(f"Mục trong gói nén bị hỏng ({exc}).", code="zip_corrupt") from None
    except NotImplementedError:
        raise InputRejected(
            "Mục trong gói nén dùng kiểu nén không được hỗ trợ; hãy nén lại bằng ZIP thường (Deflate).",
            code="zip_unsupported_compression",
        ) from None
    except (OSError, EOFError, ValueError, zlib.error, lzma.LZMAError) as exc:
        raise InputRejected(f"Mục trong gói nén bị hỏng ({exc}).", code="zip_corrupt") from None


def members(path: Path, name: str, settings: Settings, dest: Path) -> Iterator[tuple[Path, str] | Rejected]:
    """(extracted file, display name "book.zip!scans/p1.tif") per usable member, in natural order, or a
    Rejected for a member refused. Raises ArchiveRejected when the archive as a whole is refused."""
    dest.mkdir(parents=True, exist_ok=True)
    budget = Budget(settings.max_zip_total_bytes)
    with _open(path, settings) as zf:
        infos = sorted(zf.infolist(), key=lambda i: path_key(tuple(i.filename.replace("\\", "/").split("/"))))
        if sum(i.file_size for i in infos) > budget.limit:
            raise budget.exceeded()
        usable = 0
        for number, info in enumerate(infos):
            safe = safe_member_path(info.filename)
            if safe is not None and (info.is_dir() or is_hidden(info.filename)):
                continue
            usable += 1
            shown = safe.as_posix() if safe else "".join(c if c.isprintable() else "?" for c in info.filename)
            member = f"{name}!{shown}"
            out = dest / f"{number:05d}{safe.suffix if safe and _SAFE_SUFFIX.match(safe.suffix) else ''}"
            try:
                if safe is None:
                    raise InputRejected(
                        "Tên mục trong gói nén không an toàn (đường dẫn tuyệt đối, ổ đĩa hoặc '..'); đã bỏ qua.",
                        code="zip_unsafe_path",
                    )
                _check_entry(info, settings)
                _extract(zf, info, out, settings, budget)
            except ArchiveRejected:
                out.unlink(missing_ok=True)
                raise
            except InputRejected as exc:
                out.unlink(missing_ok=True)
                yield Rejected(member, None, exc.code, exc.message)
                continue
            yield out, member
    if usable == 0:
        raise ArchiveRejected("Tệp nén không chứa tệp nào.", code="zip_empty")
