"""Media type from the first bytes of a file; the extension is never consulted."""

from __future__ import annotations

from pathlib import Path

from ingest.sources import HEIC, JPEG, PDF, PNG, TIFF, WEBP, ZIP

HEAD_BYTES = 1024  # a PDF header may follow up to 1 KiB of junk (as Acrobat allows)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"II+\x00", TIFF),  # BigTIFF
    (b"MM\x00+", TIFF),
    (b"PK\x03\x04", ZIP),
    (b"PK\x05\x06", ZIP),  # empty archive
)


# HEIF files start with an ISO-BMFF "ftyp" box: 4 bytes of size, then the brand. Only HEVC-coded brands: those
# are what phones write and what pillow-heif decodes here (its wheels carry libde265, no AVIF decoder).
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")


def sniff_bytes(head: bytes) -> str | None:
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return HEIC
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if b"%PDF-" in head[:HEAD_BYTES]:
        return PDF
    return None


def sniff(path: Path) -> str | None:
    with path.open("rb") as f:
        return sniff_bytes(f.read(HEAD_BYTES))
