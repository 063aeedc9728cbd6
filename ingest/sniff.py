"""Media type from the first bytes of a file; the extension is never consulted."""

from __future__ import annotations

from pathlib import Path

from ingest.sources import JPEG, PDF, PNG, TIFF, ZIP

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


def sniff_bytes(head: bytes) -> str | None:
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if b"%PDF-" in head[:HEAD_BYTES]:
        return PDF
    return None


def sniff(path: Path) -> str | None:
    with path.open("rb") as f:
        return sniff_bytes(f.read(HEAD_BYTES))
