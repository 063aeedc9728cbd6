"""Abandoned browser uploads deleted: a tus upload nobody finished (a closed tab that never came back) or
finished but never turned into a book keeps its bytes under ``SOHOA_HOME/uploads/<account>/`` until it has
been left untouched for ``SOHOA_UPLOAD_EXPIRY_HOURS``. Untouched is judged by the files' modification times:
every chunk received moves them, so an upload still going on (however slowly) is never taken from under it.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path

from domain.settings import Settings

from .upload import UPLOAD_ID

log = logging.getLogger(__name__)
SWEEP_EVERY_S = 3600.0


def _last_touched(paths: list[Path]) -> float:
    times = []
    for path in paths:
        try:
            times.append(path.stat().st_mtime)
        except FileNotFoundError:
            pass
    return max(times, default=0.0)


def expire_uploads(settings: Settings, *, now: float | None = None) -> int:
    """Delete the uploads (data, ``.info``, tuspyserver's lock) idle past the expiry; returns how many went."""
    root = settings.home / "uploads"
    if not root.is_dir():
        return 0
    cutoff = (time.time() if now is None else now) - settings.upload_expiry_hours * 3600
    removed = 0
    for account in (d for d in root.iterdir() if d.is_dir()):
        ids = {p.name.removesuffix(".info") for p in account.iterdir() if p.is_file()}
        for uid in sorted(i for i in ids if UPLOAD_ID.match(i)):
            parts = [account / uid, account / f"{uid}.info", account / ".locks" / f"{uid}.lock"]
            if _last_touched(parts) >= cutoff:
                continue
            for part in parts:
                part.unlink(missing_ok=True)
            removed += 1
    if removed:
        log.info("%d unfinished uploads older than %s h deleted", removed, settings.upload_expiry_hours)
    return removed


def sweep_every(settings: Settings) -> float:
    """How often the server looks: hourly, or more often when the expiry itself is shorter."""
    return min(SWEEP_EVERY_S, settings.upload_expiry_hours * 3600 / 4)
