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
# Decoded by Pillow, one page a frame.
IMAGE_TYPES = (TIFF, JPEG, PNG, HEIC, WEBP)
# One-image files, which phones and apps write: each looked at, and taken for a photo by what it shows (a page
# with desk round it, in perspective: ingest.photo). PDFs and TIFFs, which scanners write, are not looked at:
# on generated poor scans the page search still finds a "page" inside a printed frame (4 of 20 poor marriage and
# land scans), and its outline then shows a false perspective.
PHOTO_TYPES = (JPEG, HEIC, PNG, WEBP)


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
