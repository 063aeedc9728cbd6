"""One typed settings object, read from SOHOA_* environment variables when it is constructed (never at import).

The defaults are the embedded mode — everything under ``SOHOA_HOME``: SQLite, a local object store, a Tantivy
index and a local process pool. Pointing the URLs at servers switches to the distributed backends.
"""
from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "sohoa"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SOHOA_", extra="ignore")

    home: Path = Field(default_factory=_default_home, description="Root of all embedded-mode data.")
    database_url: str = Field("", description="SQLAlchemy URL; default sqlite:///$SOHOA_HOME/sohoa.db")
    storage_url: str = Field("", description="file:///path or s3://KEY:SECRET@host:port/bucket?secure=false")
    index_url: str = Field("", description="tantivy:///path or http(s)://elasticsearch:9200")
    broker_url: str = Field("", description="'local' (process pool) or redis://host:port/0 (Celery)")
    workers: int = Field(default_factory=lambda: max(1, os.cpu_count() or 1), ge=1)
    ocr_lang: str = "vie"
    ocr_timeout_s: float = Field(180.0, gt=0, description="Per-page Tesseract time limit.")
    ocr_reread_lines: bool = Field(False, description=(
        "Đọc lại các dòng kém tin cậy của trang chất lượng kém (bản photo mờ) thêm một lần / re-read the "
        "low-confidence lines of poor pages once more (ocr/reread.py): +3 to +6 points field precision on poor "
        "photocopies for ~+20% OCR time on them (≈1.6× → 2.1–2.2× plain Tesseract, past the 1.5× target, hence "
        "off); clean and moderately degraded pages untouched."))
    places_table: str = Field("auto", description=(
        "Readings of every administrative unit's own name, made at set-up (python -m index places-table): "
        "'auto' is the one beside the code, 'none' none (every place parsed or found among those read before), "
        "or a path."))
    dpi: int = Field(300, ge=72, le=1200, description="Rasterisation resolution for PDFs.")
    max_file_bytes: int = Field(2 * 1024**3, description="Largest single input file accepted.")
    max_image_pixels: int = Field(120_000_000, description="Largest page image (pixels): bomb guard.")
    max_pdf_pages: int = Field(5000, description="Most pages accepted from one PDF.")
    max_zip_entries: int = 20_000
    max_zip_total_bytes: int = Field(20 * 1024**3, description="Uncompressed total of one archive.")
    # Blank uncompressed TIFF pages compress ~1000:1, so a lower limit would refuse honest scans.
    max_zip_ratio: float = Field(1000.0, description="Largest compression ratio of an archive entry.")
    max_archive_depth: int = Field(2, description="Archives nested deeper than this are refused.")
    upload_expiry_hours: float = Field(48.0, gt=0, description=(
        "Unfinished browser uploads (tus) untouched this long are deleted (at server start, then periodically)."))
    review_threshold: float = Field(0.80, ge=0, le=1, description="Fields below this confidence need review.")
    secret_key: str = Field("", description="Signs sessions and verification tokens; generated if empty.")
    public_url: str = Field("http://127.0.0.1:8000", description="Base URL printed in QR codes.")
    trusted_proxies: str = Field("", description=(
        "Comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (empty: none, the "
        "connection's address is the client's, so a forged header cannot dodge the login limit)."))

    @model_validator(mode="after")
    def _fill_embedded_defaults(self) -> Settings:
        self.home = self.home.expanduser().resolve()
        if not self.database_url:
            self.database_url = f"sqlite:///{self.home / 'sohoa.db'}"
        if not self.storage_url:
            self.storage_url = (self.home / "objects").as_uri()
        if not self.index_url:
            self.index_url = f"tantivy://{self.home / 'index'}"
        if not self.broker_url:
            self.broker_url = "local"
        return self

    @property
    def distributed(self) -> bool:
        return self.broker_url != "local"
