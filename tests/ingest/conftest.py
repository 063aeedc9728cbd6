"""Fixtures for the ingest tests; file builders live in ingest_files.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from domain.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", dpi=100)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    return tmp_path / "work"
