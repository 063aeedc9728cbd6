"""Originals and derivatives in an object store; metadata in a SQL database."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from domain.errors import ConfigError
from domain.settings import Settings

from .database import Database
from .objects import IntegrityError, ObjectStore, StoredObject

__all__ = ["Database", "IntegrityError", "ObjectStore", "StoredObject", "open_database", "open_object_store"]


def open_object_store(settings: Settings) -> ObjectStore:
    url = urlsplit(settings.storage_url)
    if url.scheme == "file":
        from .local import LocalObjectStore

        return LocalObjectStore(Path(url.path))
    if url.scheme in ("s3", "minio"):
        from .s3 import S3ObjectStore

        return S3ObjectStore.from_url(settings.storage_url)
    raise ConfigError(f"SOHOA_STORAGE_URL không hợp lệ: {settings.storage_url!r} (cần file:// hoặc s3://)")


def open_database(settings: Settings, *, upgrade: bool = True) -> Database:
    if not settings.database_url.startswith(("sqlite", "postgresql")):
        raise ConfigError(f"SOHOA_DATABASE_URL không hợp lệ: {settings.database_url!r}")
    return Database(settings.database_url, upgrade=upgrade)
