"""What ``expand`` yields: a file ready for the pipeline, or the reason one was refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"  # phone photos (iPhone default); decoded through pillow-heif
WEBP = "image/webp"  # what some phones and messaging apps save photos as
ZIP = "application/zip"  # expanded, never handed on
# Decoded by Pillow, one page a frame. Whether one is a photo of a page is decided by what it shows (a page with
# desk round it, in perspective: ingest.photo), never by its type: a phone's PNG or a scanner's JPEG alike.
IMAGE_TYPES = (TIFF, JPEG, PNG, HEIC, WEBP)


@dataclass(frozen=True)
class SourceFile:
    name: str  # "scans/p001.tif", zip members as "book.zip!scans/p001.tif"
    path: Path  # readable file on disk (zip members live under the caller's workdir)
    sha256: str
    media_type: str  # PDF | TIFF | JPEG | PNG | HEIC | WEBP, sniffed from the bytes
    page_count: int
    size: int


@dataclass(frozen=True)
class Rejected:
    source: str
    page: int | None
    code: str
    reason: str  # Vietnamese, for archive clerks
