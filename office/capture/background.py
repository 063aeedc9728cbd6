"""What the server does for the capture station without being asked, from start-up to shutdown.

- Books a stopped server left half read (killed mid-batch, the machine switched off) are taken up again at
  start-up, as `sohoa ingest --resume` would: the pages left pending or running run, the batch is finalised.
  No click needed; a clerk opening the batch page sees it moving.
- Unfinished browser uploads idle past ``SOHOA_UPLOAD_EXPIRY_HOURS`` are deleted at start-up and then
  periodically (office.capture.expiry).

With several server processes (``sohoa serve --workers N``) only the first to start resumes batches: it holds
a lock file in SOHOA_HOME for its life, so two processes never run one book side by side. In the distributed
mode the Celery workers' lease sweep already puts interrupted pages back on the queue.
"""
from __future__ import annotations

import fcntl
import logging
import threading
from typing import IO

from workers import Context

from .expiry import expire_uploads, sweep_every
from .service import Runner, interrupted

log = logging.getLogger(__name__)


class Background:
    def __init__(self, ctx: Context, runner: Runner) -> None:
        self.ctx, self.runner = ctx, runner
        self._stop = threading.Event()
        self._lock: IO | None = None
        self.resumed: list[str] = []

    def start(self) -> None:
        if not self.ctx.settings.distributed and self._first_server():
            with self.ctx.db.session() as s:
                self.resumed = interrupted(s=s)
            for batch_id in self.resumed:
                self.runner.submit(batch_id)
            if self.resumed:
                log.info("resuming %d interrupted batches: %s", len(self.resumed), ", ".join(self.resumed))
        threading.Thread(target=self._sweep, name="sohoa-upload-expiry", daemon=True).start()

    def _first_server(self) -> bool:
        lock = open(self.ctx.settings.home / ".capture-runner.lock", "a")  # held for the process's life, not a with
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return False
        self._lock = lock
        return True

    def _sweep(self) -> None:
        while True:
            try:
                expire_uploads(self.ctx.settings)
            except OSError:  # a folder that went away under us: next round
                log.exception("upload expiry sweep failed")
            if self._stop.wait(sweep_every(self.ctx.settings)):
                return

    def stop(self) -> None:
        self._stop.set()
        if self._lock is not None:
            self._lock.close()
            self._lock = None
