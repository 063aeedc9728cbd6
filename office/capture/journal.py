"""What the watched folder has taken, keyed by content SHA-256: an append-only JSON-lines file in the folder.

A plain file rather than SQLite because scanner folders are often network shares, where SQLite's locking is
not to be trusted; one writer appends a line and fsyncs. The last line for a hash wins. A line cut short by a
crash is skipped when read back, and the next line starts on a fresh line.
"""
from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path


class Journal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict] = {}
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            return
        raw = path.read_bytes()
        for line in raw.decode("utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if isinstance(entry, dict) and isinstance(entry.get("sha256"), str):
                self._entries[entry["sha256"]] = entry
        if raw and not raw.endswith(b"\n"):
            with path.open("ab") as f:
                f.write(b"\n")

    def get(self, sha256: str) -> dict | None:
        return self._entries.get(sha256)

    def write(self, sha256: str, **fields: object) -> dict:
        entry = {"sha256": sha256, **fields, "at": datetime.now(UTC).isoformat(timespec="seconds")}
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())
        self._entries[sha256] = entry
        return entry
