"""The CLI's start: `sohoa --help` loads no settings machinery, and a bad SOHOA_* value is a clear error."""
from __future__ import annotations

import os
import subprocess
import sys


def _sohoa(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOHOA_")}
    return subprocess.run([sys.executable, "-m", "api", *args], env={**clean, **env}, capture_output=True,
                          text=True, timeout=120)


def test_help_needs_neither_settings_nor_the_accounts_module():
    probe = subprocess.run([sys.executable, "-c", "import sys, api.cli; print(sorted(m for m in sys.modules if m in "
                            "('pydantic_settings', 'domain.settings', 'office.accounts.service', 'argon2')))"],
                           capture_output=True, text=True, timeout=120, check=True)
    assert probe.stdout.strip() == "[]"
    assert _sohoa("--help").returncode == 0


def test_a_bad_setting_names_the_variable(tmp_path):
    done = _sohoa("batches", SOHOA_HOME=str(tmp_path), SOHOA_WORKERS="0")
    assert done.returncode == 78  # EX_CONFIG
    assert "Cấu hình không hợp lệ" in done.stderr and "SOHOA_WORKERS" in done.stderr
    assert "Traceback" not in done.stderr
