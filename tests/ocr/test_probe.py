"""Start-up check of tesseract, its language data and poppler (ocr/probe.py), run for real in subprocesses whose
PATH or TESSDATA_PREFIX points at an empty folder."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ocr.probe import check_tools, missing

ROOT = Path(__file__).resolve().parents[2]


def _sohoa(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    base.update(SOHOA_HOME=str(tmp_path / "home"), **env)
    return subprocess.run([sys.executable, "-m", "api", *args], cwd=ROOT, env=base, capture_output=True,
                          text=True, timeout=120, check=False)


def test_all_there_on_this_machine():
    assert missing("vie") == []
    check_tools("vie")


def test_missing_language_names_its_package(monkeypatch, tmp_path):
    monkeypatch.setenv("TESSDATA_PREFIX", str(tmp_path))
    assert [m.package for m in missing("vie+eng")] == ["tesseract-ocr-vie", "tesseract-ocr-eng"]


@pytest.fixture
def scan(tmp_path) -> Path:
    from PIL import Image

    path = tmp_path / "trang.png"
    Image.new("L", (200, 200), 255).save(path)
    return path


def test_ingest_without_tools_stops_before_any_page(tmp_path, scan):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = _sohoa(["ingest", str(scan), "--json"], tmp_path, PATH=str(empty))
    assert proc.returncode == 78
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "tools_missing"
    assert "tesseract-ocr" in error["message"] and "poppler-utils" in error["message"] and "qpdf" in error["message"]
    assert "sudo apt-get install tesseract-ocr poppler-utils qpdf" in error["message"]
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("*.db"))  # nothing registered


def test_ingest_without_the_library_stops_before_any_page(tmp_path, scan):
    # The program is there, the library the workers read with cannot be loaded (libtesseract gone, or tesserocr
    # not built): a module of that name that fails to import stands in for it.
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "tesserocr.py").write_text("raise ImportError('libtesseract.so.5: cannot open shared object file')\n")
    proc = _sohoa(["ingest", str(scan), "--json"], tmp_path, PYTHONPATH=str(fake))
    assert proc.returncode == 78
    error = json.loads(proc.stdout)["error"]
    assert error["code"] == "tools_missing" and "libtesseract" in error["message"]
    assert "sudo apt-get install tesseract-ocr" in error["message"]


def test_ingest_serve_and_worker_name_the_missing_language_data(tmp_path, scan):
    empty = tmp_path / "tessdata"
    empty.mkdir()
    for args in (["ingest", str(scan)], ["serve", "--port", "1"],
                 ["worker"]):
        env = {"TESSDATA_PREFIX": str(empty)}
        if args == ["worker"]:
            env["SOHOA_BROKER_URL"] = "redis://127.0.0.1:1/0"  # never reached: the check comes first
        proc = _sohoa(args, tmp_path, **env)
        assert proc.returncode == 78, (args, proc.stderr)
        assert "tesseract-ocr-vie" in proc.stderr, args
        assert "poppler-utils" not in proc.stderr and "qpdf" not in proc.stderr, args
