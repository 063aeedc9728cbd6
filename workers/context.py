"""What a stage needs to run, built once per process from the settings."""
from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from domain.settings import Settings
from index import SearchIndex, open_index
from storage import Database, ObjectStore, open_database, open_object_store

_INDEX_LOCK = threading.Lock()


@dataclass
class Context:
    settings: Settings
    _index: SearchIndex | None = field(default=None, repr=False)

    @cached_property
    def db(self) -> Database:
        return open_database(self.settings)

    @cached_property
    def store(self) -> ObjectStore:
        return open_object_store(self.settings)

    @property
    def index(self) -> SearchIndex:
        # Opened on first use (the local pool's OCR processes never touch it: Tantivy has one writer), once,
        # even when the web server's threads all ask at the same moment. An index of an older schema comes back
        # empty (``was_reset``): refilling it is an explicit start-up step, workers.stages.prepare_index, taken
        # by `serve`, `worker` and the executors before any request or page — never on a request's thread, and
        # in a child process, so that a long-lived server keeps none of the rebuild's memory.
        if self._index is None:
            with _INDEX_LOCK:
                if self._index is None:
                    self._index = open_index(self.settings)
        return self._index

    @cached_property
    def cache_dir(self) -> Path:
        path = self.settings.home / "cache" / f"{socket.gethostname()}-{os.getpid()}"
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def worker_name(self) -> str:
        return f"{socket.gethostname()}:{os.getpid()}"

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
        if "db" in self.__dict__:
            self.db.dispose()
