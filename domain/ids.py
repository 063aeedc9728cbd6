"""Our own identifiers — pages, batches, records, dossiers — in one place, so every writer of a row names it the
same way. Page and batch ids are content hashes: the same file handed in twice maps to the same rows, which is
what makes ingest idempotent. (Citizens' ID numbers are checked in ``domain.personal_id``.)"""
from __future__ import annotations

import hashlib
import secrets
from datetime import date


def page_id(file_sha256: str, number: int) -> str:
    """Page ``number`` (1-based) of the file with this SHA-256."""
    return hashlib.sha256(f"{file_sha256}:{number}".encode()).hexdigest()


def batch_id(keys: list[str]) -> str:
    """A batch is named by the set of its files' hashes (their order does not matter) — or, when every file was
    refused, by what was refused, so that a refused batch can still be reported."""
    return hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:16]


def record_id(page: str, index: int) -> str:
    """The ``index``-th record read from a page (a continuation joined to its head is its page's record 0)."""
    return f"{page[:20]}-{index}"


def keyed_record_id(page: str, entry: int) -> str:
    """A record that exists only because a clerk keyed it (no OCR record came from that row)."""
    return f"{page[:20]}-k{entry}"


def new_dossier_id(today: date) -> str:
    """Dossier numbers are shown to citizens: a date to file by and a random part nobody can guess."""
    return f"HS-{today:%Y%m%d}-{secrets.token_hex(4).upper()}"
