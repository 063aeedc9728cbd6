"""The watched scanner folder: what a scanner or a clerk drops into DIR is taken in once completely written,
through the path of `sohoa ingest` (office.capture.intake), then moved to DIR/done/ or DIR/rejected/, beside a
``.txt`` of the reason in Vietnamese.

- Complete: an entry (a file, or a sub-folder of images: one book) is taken when its size and modification
  time have not changed for ``settle_s`` seconds and it bears no temporary name (*.part, *.tmp, ~*, .*); after
  hashing it is checked once more, so a writer that paused is not cut short.
- Once only: a journal keyed by content hash (DIR/.sohoa-watch/journal.jsonl). The same content dropped
  again after it was taken goes to rejected/ saying when it was taken. An entry still in DIR after a stop or a
  crash is simply taken again: batch and page ids derive from content, so only unfinished pages run.
- Watchdog wakes the loop as soon as something changes (inotify); network shares do not report remote writes
  to inotify, so ``poll=True`` uses watchdog's polling observer. A slow rescan runs regardless.
"""
from __future__ import annotations

import hashlib
import logging
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from domain.errors import ConfigError, InputRejected, SohoaError, TransientBackendError
from ingest.names import is_hidden, natural_key
from workers import Context
from workers.batches import BatchMeta

from .intake import Intake, ingest_entry
from .journal import Journal

log = logging.getLogger(__name__)
DONE, REJECTED, STATE_DIR = "done", "rejected", ".sohoa-watch"
TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".filepart", ".swp", ".lock")
IDLE_RESCAN_S = 60.0  # a safety net for events inotify never sees
RETRY_AFTER_S = 30.0  # a backend briefly away: leave the entry where it is and try again
EMPTY_WAIT = 10  # an empty file may be a placeholder a scanner fills later: wait this many settle periods


def is_temporary(name: str) -> bool:
    return name.startswith(("~", ".")) or name.casefold().endswith(TEMP_SUFFIXES) or is_hidden(name)


def signature(path: Path) -> tuple[int, tuple] | None:
    """(bytes in all, size and modification time of the file or of everything under the folder); None when
    the entry is gone or a folder still holds a file with a temporary name."""
    try:
        if not path.is_dir():
            st = path.stat()
            return st.st_size, (st.st_size, st.st_mtime_ns)
        items, total = [], 0
        for p in sorted(path.rglob("*")):
            rel = p.relative_to(path).as_posix()
            if any(part.startswith("~") or part.casefold().endswith(TEMP_SUFFIXES) for part in rel.split("/")):
                return None
            st = p.stat()
            size = st.st_size if p.is_file() else 0
            items.append((rel, size, st.st_mtime_ns))
            total += size
        return total, tuple(items)
    except FileNotFoundError:
        return None


def content_sha256(path: Path) -> str:
    h = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for p in files:
        f_hash = hashlib.sha256()
        with p.open("rb") as f:
            while chunk := f.read(1 << 20):
                f_hash.update(chunk)
        if not path.is_dir():
            return f_hash.hexdigest()
        h.update(f"{p.relative_to(path).as_posix()}\0{f_hash.hexdigest()}\n".encode())
    return h.hexdigest()


@dataclass
class Outcome:
    source: str
    outcome: str  # "done" | "rejected" | "duplicate"
    moved_to: str
    reasons: list[str] = field(default_factory=list)
    batches: list[dict] = field(default_factory=list)  # {"batch_id", "book", "record_type", "pages", "failed"}

    def as_dict(self) -> dict:
        return asdict(self)


def _unique(folder: Path, source: Path) -> Path:
    """Scanners reuse names (scan0001.pdf every morning): never overwrite what is already there."""
    name = source.name
    dest = folder / name
    stem, suffix = (name, "") if source.is_dir() else (source.stem, source.suffix)
    n = 1
    while dest.exists() or dest.with_name(dest.name + ".txt").exists():
        n += 1
        dest = folder / f"{stem} ({n}){suffix}"
    return dest


def _failure_lines(batches: list[dict]) -> list[str]:
    lines = []
    for b in batches:
        for f in b["failed"]:
            where = f"{f['source']}, trang {f['page']}" if f["page"] else f["source"]
            lines.append(f"{where}: {f['reason']}")
    return lines


def _summary(rep: dict) -> dict:
    return {"batch_id": rep["batch_id"], "book": rep["book"], "record_type": rep["record_type"],
            "authority": rep["authority"], "pages": rep["pages"], "failed": len(rep["failed"])}


class Watcher:
    def __init__(self, folder: Path, defaults: BatchMeta, ctx: Context, *, settle_s: float = 3.0,
                 tick_s: float = 0.5, on_outcome: Callable[[Outcome], None] | None = None) -> None:
        self.folder = Path(folder).resolve()
        if not self.folder.is_dir():
            raise InputRejected(f"Không có thư mục {folder}", code="not_found")
        self.defaults, self.ctx = defaults, ctx
        self.settle_s, self.tick_s = settle_s, tick_s
        self.on_outcome = on_outcome or (lambda o: None)
        for sub in (DONE, REJECTED):
            (self.folder / sub).mkdir(exist_ok=True)
        self.journal = Journal(self.folder / STATE_DIR / "journal.jsonl")
        self._seen: dict[str, tuple[tuple[int, tuple] | None, float]] = {}
        self._wake = threading.Event()

    def candidates(self) -> Iterator[Path]:
        for entry in sorted(os.scandir(self.folder), key=lambda e: natural_key(e.name)):
            if entry.name not in (DONE, REJECTED) and not is_temporary(entry.name):
                yield Path(entry.path)

    def poll_once(self) -> bool:
        """Take every entry that has settled. True while something is still being written or waits a retry."""
        now = time.monotonic()
        seen: dict[str, tuple[tuple[int, tuple] | None, float]] = {}
        try:
            for path in self.candidates():
                sig, prev = signature(path), self._seen.get(path.name)
                seen[path.name] = prev if prev is not None and prev[0] == sig else (sig, now)
        except OSError as exc:  # the share went away: keep what we knew, look again later
            log.warning("Không đọc được thư mục %s: %s", self.folder, exc)
            return True
        self._seen = seen
        waiting = False
        for name, (sig, since) in list(seen.items()):
            quiet = now - since
            if sig is None or quiet < self.settle_s or (sig[0] == 0 and quiet < self.settle_s * EMPTY_WAIT):
                waiting = True
                continue
            try:
                outcome = self.take(self.folder / name, sig)
            except (TransientBackendError, OSError) as exc:
                # A backend briefly away, or the folder refusing a read or a move (permissions, a share gone):
                # the entry stays where it is and is tried again; taking it again adds nothing.
                log.warning("%s: %s; thử lại sau %.0f giây", name, getattr(exc, "message", exc), RETRY_AFTER_S)
                self._seen[name] = (sig, time.monotonic() + RETRY_AFTER_S)
                waiting = True
                continue
            if outcome is None:  # it changed while being hashed: wait for it to settle again
                self._seen.pop(name, None)
                waiting = True
            else:
                self._seen.pop(name, None)
                self.on_outcome(outcome)
        return waiting

    def take(self, path: Path, sig: tuple) -> Outcome | None:
        sha = content_sha256(path)
        if signature(path) != sig:
            return None
        prior = self.journal.get(sha)
        if prior and prior.get("state") == "finished" and prior.get("outcome") == "done":
            reason = (f"Nội dung này đã được nhập ngày {prior['at'][:10]} (từ {prior['name']}, lô "
                      f"{', '.join(prior.get('batches') or [])}); không nhập lại.")
            return self._finish(path, sha, "duplicate", [reason], [])
        self.journal.write(sha, name=path.name, state="started")
        try:
            intake = ingest_entry(path, self.defaults, self.ctx)
        except (TransientBackendError, ConfigError):
            raise
        except SohoaError as exc:
            return self._finish(path, sha, "rejected", [exc.message], [])
        except Exception as exc:  # the per-entry boundary: an unexpected error is shown, and the entry kept
            log.error("%s:\n%s", path.name, traceback.format_exc())
            return self._finish(path, sha, "rejected", [f"Lỗi không mong đợi: {type(exc).__name__}: {exc}"], [])
        return self._judge(path, sha, intake)

    def _judge(self, path: Path, sha: str, intake: Intake) -> Outcome:
        failures = _failure_lines(intake.batches)
        if sum(b["pages"] for b in intake.batches) == 0:
            return self._finish(path, sha, "rejected", failures or ["Không có trang nào để nhập."], intake.batches)
        return self._finish(path, sha, "done", intake.notes + failures, intake.batches)

    def _finish(self, path: Path, sha: str, outcome: str, reasons: list[str], batches: list[dict]) -> Outcome:
        dest = _unique(self.folder / (DONE if outcome == "done" else REJECTED), path)
        ids = [b["batch_id"] for b in batches]
        if reasons:
            head = {"done": f"Đã nhập {path.name} (lô {', '.join(ids)}); lưu ý:",
                    "rejected": f"Không nhập được {path.name}:",
                    "duplicate": f"Không nhập lại {path.name}:"}[outcome]
            tail = [f"Sửa rồi chạy: sohoa retry {i}" for i in ids if outcome == "done"]
            dest.with_name(dest.name + ".txt").write_text("\n".join([head, *reasons, *tail]) + "\n", encoding="utf-8")
        os.replace(path, dest)
        self.journal.write(sha, name=path.name, state="finished", outcome=outcome, batches=ids)
        return Outcome(path.name, outcome, str(dest), reasons, [_summary(b) for b in batches])

    def run(self, *, poll: bool = False, once: bool = False, poll_interval_s: float = 2.0) -> None:
        """Watch until interrupted (KeyboardInterrupt; see :func:`stop_on_sigterm`), or with ``once`` until
        everything present has been taken."""
        if once:
            while self.poll_once():
                time.sleep(self.tick_s)
            return
        observer = PollingObserver(timeout=poll_interval_s) if poll else Observer()
        observer.schedule(_Wake(self._wake), str(self.folder), recursive=False)
        observer.start()
        try:
            while True:
                waiting = self.poll_once()
                self._wake.wait(self.tick_s if waiting else IDLE_RESCAN_S)
                self._wake.clear()
        finally:
            observer.stop()
            observer.join(timeout=10)


class _Wake(FileSystemEventHandler):
    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def on_any_event(self, event: FileSystemEvent) -> None:
        if STATE_DIR not in Path(os.fsdecode(event.src_path)).parts:
            self.event.set()


@contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """SIGTERM (systemd, docker stop) stops like Ctrl-C: a batch in progress keeps its unfinished pages pending
    and its entry stays in the folder, to be taken again on the next start."""
    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
