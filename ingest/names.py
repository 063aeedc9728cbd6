"""Names: natural ordering, hidden/system files, and zip member names that cannot escape a folder."""

from __future__ import annotations

import re
from pathlib import PurePosixPath

_DIGITS = re.compile(r"(\d+)", re.ASCII)
_DRIVE = re.compile(r"^[A-Za-z]:")
_SYSTEM_NAMES = frozenset(
    {"__macosx", "thumbs.db", "ehthumbs.db", "desktop.ini", "$recycle.bin", "system volume information"}
)


def natural_key(name: str) -> tuple[list[str | int], str]:
    """Sort key putting "p2" before "p10"; ties broken by the raw name so the order is total."""
    parts: list[str | int] = [int(tok) if i % 2 else tok.casefold() for i, tok in enumerate(_DIGITS.split(name))]
    return parts, name


def path_key(parts: tuple[str, ...]) -> list[tuple[list[str | int], str]]:
    return [natural_key(p) for p in parts]


def is_hidden(name: str) -> bool:
    """True for dotfiles, macOS/Windows litter, or anything inside such a folder."""
    for part in name.replace("\\", "/").split("/"):
        if part in ("", ".", ".."):
            continue
        if part.startswith(".") or part.casefold() in _SYSTEM_NAMES:
            return True
    return False


def safe_member_path(raw: str) -> PurePosixPath | None:
    """The member name as a clean relative path, or None when it is absolute, has a drive letter,
    climbs with "..", holds control characters, or is empty."""
    if not raw or any(ord(c) < 32 for c in raw):
        return None
    name = raw.replace("\\", "/")
    if name.startswith("/") or _DRIVE.match(name):
        return None
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if not parts or ".." in parts:
        return None
    return PurePosixPath(*parts)
