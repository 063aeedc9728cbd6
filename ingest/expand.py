"""Turn what the user handed in (files, folders, zip archives) into validated source files, in order."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

from domain.errors import InputRejected
from domain.settings import Settings
from ingest import archive
from ingest.admission import check_source, file_kind
from ingest.names import is_hidden, path_key
from ingest.sources import ZIP, Rejected, SourceFile


def expand(paths: Sequence[Path], settings: Settings, workdir: Path,
           root: Path | None = None) -> Iterator[SourceFile | Rejected]:
    """Files, folders (recursive, natural order: p2 before p10) and zip archives (nested up to
    ``settings.max_archive_depth`` levels; a top-level zip is level 1). Each file is validated cheaply;
    a bad file becomes a Rejected and the rest goes on. Zip members are unpacked under ``workdir``.
    Names are shown as given, or relative to ``root`` (an upload's staging folder: the names the clerk sent)."""
    for given in paths:
        given = Path(given)
        name = given.relative_to(root).as_posix() if root else given.as_posix()
        if given.is_dir():
            for item in _walk(given, name):
                if isinstance(item, Rejected):
                    yield item
                else:
                    yield from _expand_file(item[0], item[1], settings, workdir, 0)
        elif given.is_file():
            yield from _expand_file(given, name, settings, workdir, 0)
        elif given.exists():  # device, FIFO, socket: reading could block
            yield Rejected(name, None, "unsupported_type", f"Không phải tệp thông thường: {name}")
        else:
            yield Rejected(name, None, "not_found", f"Không tìm thấy tệp hoặc thư mục: {name}")


def _walk(folder: Path, name: str) -> Iterator[tuple[Path, str] | Rejected]:
    """Files under ``folder`` in natural order, skipping hidden/system files; symlinked folders not followed."""
    try:
        entries = sorted(folder.iterdir(), key=lambda p: path_key((p.name,)))
    except OSError as exc:
        yield Rejected(name, None, "unreadable", f"Không đọc được thư mục ({exc.strerror}).")
        return
    for entry in entries:
        if is_hidden(entry.name):
            continue
        child = entry.name if name == "." else f"{name}/{entry.name}"
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry, child)
        elif entry.is_file():
            yield entry, child


def _expand_file(
    path: Path, name: str, settings: Settings, workdir: Path, depth: int
) -> Iterator[SourceFile | Rejected]:
    """``depth`` = number of archives this file sits in."""
    try:
        media_type, size = file_kind(path, settings)
        if media_type != ZIP:
            yield check_source(path, name, media_type, size, settings)
            return
        if depth + 1 > settings.max_archive_depth:
            raise InputRejected(
                f"Tệp nén lồng nhau quá {settings.max_archive_depth} cấp; hãy giải nén bớt rồi nộp lại.",
                code="zip_too_deep",
            )
        workdir.mkdir(parents=True, exist_ok=True)
        members = archive.members(path, name, settings, Path(tempfile.mkdtemp(prefix="zip", dir=workdir)))
        for item in members:
            if isinstance(item, Rejected):
                yield item
            else:
                yield from _expand_file(item[0], item[1], settings, workdir, depth + 1)
    except InputRejected as exc:
        yield Rejected(name, None, exc.code, exc.message)
