"""Shared fixtures: an embedded installation in a temp dir, and the real servers for distributed tests.

Distributed tests talk to real Redis, PostgreSQL, Elasticsearch and MinIO started by tests/servers. When one
cannot start they are skipped on a developer's machine, but with CI=true that is an error: CI must exercise
every backend.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from domain.settings import Settings

pytest_plugins = ["tests.distributed_fixtures"]

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("SOHOA_SHARED_DATA", REPO.parent / "shared" / "data"))
IN_CI = os.environ.get("CI", "").lower() == "true"


def shared_data(*parts: str) -> Path:
    """A path under ../shared/data; skips outside CI when absent (it is not shipped to users)."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        if IN_CI:
            pytest.fail(f"{path} is missing in CI")
        pytest.skip(f"{path} not present (shared data exists only in the workplace and CI)")
    return path


@pytest.fixture
def embedded_settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / "home", workers=2, database_url="", storage_url="", index_url="", broker_url="")


@pytest.fixture(scope="session")
def servers() -> dict[str, str]:
    """URLs of the real servers (started if needed, reused if running)."""
    from tests.servers.launch import ServerUnavailable, ensure_all

    try:
        return ensure_all()
    except ServerUnavailable as exc:
        if IN_CI:
            pytest.fail(f"CI=true and a backend could not start: {exc}", pytrace=False)
        pytest.skip(f"backend unavailable: {exc}")


@pytest.fixture
def unique() -> str:
    """A name no other test uses: database schemas, index names, bucket prefixes."""
    return "t" + uuid.uuid4().hex[:10]
