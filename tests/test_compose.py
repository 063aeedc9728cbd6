"""docker-compose.yml and the Dockerfile: every service there, healthy before Sohoa starts, one shared environment.

The file is checked with ``docker compose config``, which resolves anchors and ``${VAR:-default}`` and validates
the compose schema; no engine is needed. Where the plugin is not installed, tests/servers builds it once with
``go install`` (cached). With CI=true a compose that cannot be had fails the run; elsewhere the same assertions
run on a plain YAML load, with a warning in the test summary.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
IN_CI = os.environ.get("CI", "").lower() == "true"
SERVICES = {"api", "worker", "watcher", "redis", "postgres", "elasticsearch", "minio"}
BACKENDS = {"redis", "postgres", "elasticsearch", "minio"}
URLS = {
    "SOHOA_DATABASE_URL": "postgresql+psycopg://",
    "SOHOA_STORAGE_URL": "s3://",
    "SOHOA_INDEX_URL": "http://elasticsearch:9200",
    "SOHOA_BROKER_URL": "redis://redis:6379",
}
_YAML_TO_JSON = "import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1], encoding='utf-8')), sys.stdout)"


def _compose_command() -> list[str] | None:
    """``docker compose``: the plugin if installed, else built once from the Go module proxy (tests/servers)."""
    from tests.servers.compose import ensure_compose
    from tests.servers.launch import ServerUnavailable

    try:
        return ensure_compose()
    except ServerUnavailable as exc:
        if IN_CI:
            pytest.fail(f"CI=true and docker compose could not be built: {exc}", pytrace=False)
        return None


def _yaml_load(path: Path) -> tuple[dict, str]:
    """PyYAML from this environment, else from the base interpreter or a python3 on PATH (not a dependency)."""
    try:
        import yaml
    except ImportError:
        pass
    else:
        return yaml.safe_load(path.read_text(encoding="utf-8")), "PyYAML"
    for python in dict.fromkeys([getattr(sys, "_base_executable", ""), shutil.which("python3") or ""]):
        if not python:
            continue
        proc = subprocess.run([python, "-c", _YAML_TO_JSON, str(path)], capture_output=True, text=True, timeout=60)
        if proc.returncode == 0:
            return json.loads(proc.stdout), f"PyYAML of {python}"
    message = "neither the docker compose plugin nor PyYAML is available to read docker-compose.yml"
    if IN_CI:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def compose() -> dict:
    cmd = _compose_command()
    if cmd:
        proc = subprocess.run([*cmd, "-f", str(COMPOSE), "config", "--format", "json"],
                              capture_output=True, text=True, timeout=60, cwd=REPO)
        assert proc.returncode == 0, f"{' '.join(cmd)} config rejected the file:\n{proc.stderr}"
        print(f"validated with `{' '.join(cmd)} config`")
        return json.loads(proc.stdout)
    data, how = _yaml_load(COMPOSE)
    warnings.warn(f"docker compose plugin missing: docker-compose.yml checked by a YAML load ({how}); compose "
                  "schema and ${VAR} interpolation were not validated", stacklevel=1)
    return data


def _env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_every_service_is_there(compose):
    assert set(compose["services"]) == SERVICES


def test_every_service_has_a_healthcheck(compose):
    for name, service in compose["services"].items():
        check = service.get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), f"{name} has no healthcheck"


def test_sohoa_waits_for_healthy_backends(compose):
    for name in ("api", "worker", "watcher"):
        deps = compose["services"][name]["depends_on"]
        assert set(deps) == BACKENDS, name
        assert all(d["condition"] == "service_healthy" for d in deps.values()), name


def test_worker_and_api_share_the_same_sohoa_environment(compose):
    api, worker = (_env(compose["services"][n]) for n in ("api", "worker"))
    sohoa_api = {k: v for k, v in api.items() if k.startswith("SOHOA_")}
    sohoa_worker = {k: v for k, v in worker.items() if k.startswith("SOHOA_")}
    assert sohoa_api == sohoa_worker
    for name, prefix in URLS.items():
        assert sohoa_api[name].startswith(prefix), (name, sohoa_api[name])
    assert sohoa_api["SOHOA_BROKER_URL"] != "local", "the compose deployment is the distributed mode"


def test_commands_and_scaling(compose):
    api, worker = compose["services"]["api"], compose["services"]["worker"]
    assert api["command"][:2] == ["sohoa", "serve"] and "0.0.0.0" in api["command"]
    assert worker["command"][:2] == ["sohoa", "worker"]
    assert int(worker["deploy"]["replicas"]) >= 2
    assert "ports" not in worker
    for name in BACKENDS:  # only the API is published
        assert not compose["services"][name].get("ports"), f"{name} should not publish a port"


def test_the_watcher_takes_the_scanner_folder_with_the_same_environment(compose):
    api, watcher = compose["services"]["api"], compose["services"]["watcher"]
    sohoa = {k: v for k, v in _env(watcher).items() if k.startswith("SOHOA_")}
    assert sohoa == {k: v for k, v in _env(api).items() if k.startswith("SOHOA_")}
    assert watcher["command"][:3] == ["sohoa", "watch", "/scans"] and "--poll" in watcher["command"]
    mounts = [v["target"] if isinstance(v, dict) else v.split(":")[1] for v in watcher["volumes"]]
    assert "/scans" in mounts
    assert not watcher.get("ports")


def test_elasticsearch_is_single_node_8x_with_a_stated_security_choice(compose):
    es = compose["services"]["elasticsearch"]
    assert re.search(r"elasticsearch:(\$\{ES_VERSION:-)?8\.", es["image"]), es["image"]
    env = _env(es)
    assert env["discovery.type"] == "single-node"
    assert env["xpack.security.enabled"] in ("true", "false")
    assert "xpack security" in COMPOSE.read_text(encoding="utf-8").lower()  # the choice is documented


def test_data_lives_in_volumes(compose):
    for name in BACKENDS:
        assert compose["services"][name].get("volumes"), f"{name} keeps its data in the container"


def test_dockerfile_builds_the_locked_environment_with_tesseract_vie():
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim-bookworm", text, re.M)
    for package in ("tesseract-ocr", "tesseract-ocr-vie", "poppler-utils", "qpdf"):
        assert re.search(rf"apt-get install[^\n]*(\\\n[^\n]*)*\b{package}\b", text), package
    assert "uv sync --frozen" in text


def test_dockerfile_copies_every_package_the_wheel_ships():
    """office/ was left out of the image: `sohoa serve` would have died on its first import."""
    import tomllib

    packages = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"][
        "targets"]["wheel"]["packages"]
    text = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert [p for p in packages if not re.search(rf"^COPY {p} \./{p}$", text, re.M)] == []


def test_dockerfile_reads_the_gazetteers_places_as_set_up_does():
    """index/places_table.sqlite3 is not in git: without this step the image parses every place it indexes."""
    for setup in (REPO / "Dockerfile", REPO / "scripts" / "bootstrap.sh"):
        assert "python -m index places-table" in setup.read_text(encoding="utf-8"), setup.name
