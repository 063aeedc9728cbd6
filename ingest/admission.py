"""Cheap checks on one file on disk: size, sniffed type, opens, page count, declared image size."""

from __future__ import annotations

from pathlib import Path

from domain.errors import InputRejected
from domain.hashing import sha256_file
from domain.settings import Settings
from ingest import images, pdf, photo
from ingest.sniff import sniff
from ingest.sources import PDF, PHOTO_TYPES, SourceFile


def file_kind(path: Path, settings: Settings) -> tuple[str, int]:
    """(media type, size) of a file worth opening; ZIP means an archive to expand."""
    try:
        size = path.stat().st_size
        media_type = sniff(path) if size else None
    except OSError as exc:
        raise InputRejected(f"Không đọc được tệp ({exc.strerror}).", code="unreadable") from None
    if size == 0:
        raise InputRejected("Tệp rỗng (0 byte).", code="empty_file")
    if size > settings.max_file_bytes:
        raise InputRejected(
            f"Tệp quá lớn ({size} byte), vượt giới hạn {settings.max_file_bytes} byte.", code="file_too_large"
        )
    if media_type is None:
        raise InputRejected(
            "Định dạng tệp không được hỗ trợ; chỉ nhận PDF, TIFF, JPEG, PNG, WebP, HEIC hoặc ZIP chứa các tệp đó.",
            code="unsupported_type",
        )
    return media_type, size


def check_source(path: Path, name: str, media_type: str, size: int, settings: Settings) -> SourceFile:
    """Validate a PDF or image already classified, without rasterising it."""
    try:
        if media_type == PDF:
            pages = pdf.page_count(path, settings.max_pdf_pages)
        else:
            pages = images.frame_count(path, settings.max_image_pixels, settings.max_pdf_pages)
            if media_type in PHOTO_TYPES:  # a photo nobody could read is refused now, not after waiting for OCR
                photo.gate(path, settings.max_image_pixels)
        digest = sha256_file(path)
    except OSError as exc:
        raise InputRejected(f"Không đọc được tệp ({exc.strerror}).", code="unreadable") from None
    return SourceFile(name=name, path=path, sha256=digest, media_type=media_type, page_count=pages, size=size)
