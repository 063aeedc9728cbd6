"""Fixtures for the OCR tests. Helpers live in ocr_render.py (rendered pages with known text)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
OCR_FORMS = Path(os.environ.get("SOHOA_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data")) \
    / "ocr_forms_nomvn"


@pytest.fixture
def ocr_forms() -> Path:
    """Real scans with ground truth: skipped only when absent outside CI; in CI their absence fails."""
    if not OCR_FORMS.is_dir():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{OCR_FORMS} is missing in CI")
        pytest.skip(f"{OCR_FORMS} not present (exists only in the workplace and CI)")
    return OCR_FORMS


@pytest.fixture
def recorded_birth_tsv() -> str:
    """Tesseract's TSV for a rendered birth extract (stamp, 1° skew, noise), recorded once."""
    return (FIXTURES / "birth_extract.tsv").read_text(encoding="utf-8")
