"""What ``expand`` yields: a file ready for the pipeline, or the reason one was refused."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"  # phone photos (iPhone default); decoded through pillow-heif
ZIP = "application/zip"  # expanded, never handed on
# What phones write: looked at as possible photos (ingest.photo). Scanners' PDFs and TIFFs are taken as scans
# without looking — a certificate's printed frame on a badly photocopied page can pass for a page's edge.
PHOTO_TYPES = (JPEG, HEIC)


@dataclass(frozen=True)
class SourceFile:
    name: str  # "scans/p001.tif", zip members as "book.zip!scans/p001.tif"
    path: Path  # readable file on disk (zip members live under the caller's workdir)
    sha256: str
    media_type: str  # PDF | TIFF | JPEG | PNG | HEIC, sniffed from the bytes
    page_count: int
    size: int


@dataclass(frozen=True)
class Rejected:
    source: str
    page: int | None
    code: str
    reason: str  # Vietnamese, for archive clerks
