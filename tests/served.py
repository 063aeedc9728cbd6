"""`sohoa serve` as a real subprocess on a free loopback port, for the tests that drive it over HTTP (browser
stories, resumable uploads): one helper instead of four copies of the same start-and-wait loop."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

_BACKENDS = ("SOHOA_DATABASE_URL", "SOHOA_STORAGE_URL", "SOHOA_INDEX_URL", "SOHOA_BROKER_URL", "SOHOA_SECRET_KEY")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(home: Path, **env: str) -> Iterator[str]:
    """The base URL of a server on the embedded installation in ``home``; its output goes to home/server.log."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environ = {k: v for k, v in os.environ.items() if k not in _BACKENDS}
    environ |= {"SOHOA_HOME": str(home), "SOHOA_PUBLIC_URL": base, **env}
    log_path = Path(home) / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "api", "serve", "--host", "127.0.0.1", "--port", str(port)],
                                env=environ, stdout=log, stderr=subprocess.STDOUT)
        try:
            for _ in range(300):  # up to a minute on a loaded machine
                try:
                    # any answer will do: a fresh installation sends /login on to /setup
                    if httpx.get(f"{base}/login", timeout=1).status_code < 500:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            else:
                proc.kill()
                pytest.fail(f"server did not start: {log_path.read_text(errors='replace')[-2000:]}")
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
