"""`docker compose` for checking docker-compose.yml without a Docker engine: the compose CLI is built once with
`go install` (Go module proxy) into the cache and installed as the docker CLI plugin."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from .launch import ServerUnavailable, cache_root

COMPOSE_MODULE = "github.com/docker/compose/v2/cmd"
COMPOSE_VERSION = "v2.29.7"


def _works(cmd: list[str]) -> bool:
    return subprocess.run([*cmd, "version"], capture_output=True, timeout=60).returncode == 0


def ensure_compose() -> list[str]:
    """A command that runs compose: the docker plugin when present, else the one built here."""
    if shutil.which("docker") and _works(["docker", "compose"]):
        return ["docker", "compose"]
    bindir = cache_root() / "compose" / COMPOSE_VERSION
    exe = bindir / "cmd"
    if not exe.exists():
        go = shutil.which("go") or ("/usr/local/go/bin/go" if os.path.exists("/usr/local/go/bin/go") else None)
        if not go:
            raise ServerUnavailable("compose", "Go toolchain not found; cannot build docker compose")
        bindir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, GOBIN=str(bindir), GOFLAGS="-mod=mod", CGO_ENABLED="0")
        proc = subprocess.run([go, "install", f"{COMPOSE_MODULE}@{COMPOSE_VERSION}"], env=env, capture_output=True,
                              text=True, timeout=1200)
        if proc.returncode != 0 or not exe.exists():
            raise ServerUnavailable("compose", f"go install failed:\n{proc.stderr[-3000:]}")
    if shutil.which("docker"):  # the documented plugin location, so `docker compose` itself works
        plugin = Path.home() / ".docker" / "cli-plugins" / "docker-compose"
        plugin.parent.mkdir(parents=True, exist_ok=True)
        if not plugin.exists():
            plugin.symlink_to(exe)
        if _works(["docker", "compose"]):
            return ["docker", "compose"]
    return [str(exe)]
