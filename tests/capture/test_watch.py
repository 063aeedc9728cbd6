"""The watched scanner folder, end to end: `sohoa watch` in a subprocess with real watchdog events (and the
polling observer), the real pipeline and a small OCR load (pages at 100 dpi).

Covers: two books with separator sheets → two batches with their metadata and page counts, the sheets not
counted; a file written slowly is not taken before it is complete; a crash and a restart take nothing twice;
the same content dropped again is refused; a corrupt file goes to rejected/ with its reason; temporary names
are left alone; SIGTERM stops cleanly."""
from __future__ import annotations

import hashlib
import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from capture_scans import save_pdf, sheet_scan, text_page
from sqlalchemy import func, select

from domain.settings import Settings
from storage.models import Batch, Page, SourceFileRow
from workers import Context

REPO = Path(__file__).resolve().parents[2]
AUTHORITY = "UBND phường Thanh Bình"
WAIT_S = 300  # a few pages of OCR on a loaded 2-core machine


class WatcherProcess:
    def __init__(self, folder: Path, home: Path, *args: str, settle: float = 1.0) -> None:
        env = {**os.environ, "SOHOA_HOME": str(home), "SOHOA_WORKERS": "1", "SOHOA_DPI": "100"}
        for var in ("SOHOA_DATABASE_URL", "SOHOA_STORAGE_URL", "SOHOA_INDEX_URL", "SOHOA_BROKER_URL"):
            env.pop(var, None)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from api.cli import main; main()", "watch", str(folder), "--json",
             "--settle", str(settle), *args],
            cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        self.outcomes: queue.Queue[dict] = queue.Queue()
        self.stderr: list[str] = []
        self._ready = threading.Event()
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()
        if not self._ready.wait(WAIT_S):
            pytest.fail(f"the watcher did not start:\n{''.join(self.stderr)[-3000:]}")

    def _read_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)
            if line.startswith("Đang theo dõi"):
                self._ready.set()

    def _read_stdout(self) -> None:
        for line in self.proc.stdout:
            self.outcomes.put(json.loads(line))

    def next(self, timeout: float = WAIT_S) -> dict:
        try:
            return self.outcomes.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no outcome within {timeout} s; watcher says:\n{''.join(self.stderr)[-3000:]}")

    def terminate(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=120)

    def kill_all(self) -> None:
        try:  # its pool workers too: the whole session this test started
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)


@pytest.fixture
def watchers():
    started: list[WatcherProcess] = []

    def start(*args, **kw) -> WatcherProcess:
        w = WatcherProcess(*args, **kw)
        started.append(w)
        return w

    yield start
    for w in started:
        w.kill_all()


@pytest.fixture
def place(tmp_path: Path):
    """Folders: the watched one, a home for Sohoa, and a staging place to build files before dropping them."""
    dirs = {name: tmp_path / name for name in ("watched", "home", "staging")}
    for d in dirs.values():
        d.mkdir()
    return dirs


def _drop(built: Path, folder: Path, name: str | None = None) -> Path:
    """Appear in one step, as a scanner that writes elsewhere and renames."""
    dest = folder / (name or built.name)
    os.replace(built, dest)
    return dest


def _context(home: Path) -> Context:
    return Context(Settings(home=home, database_url="", storage_url="", index_url="", broker_url=""))


def _counts(home: Path) -> tuple[int, int, int]:
    ctx = _context(home)
    try:
        with ctx.db.session() as s:
            return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Batch, SourceFileRow, Page))
    finally:
        ctx.close()


def test_two_books_with_separator_sheets_become_two_batches(place, watchers, tmp_path):
    w = watchers(place["watched"], place["home"], "--authority", "UBND mặc định")
    stack = save_pdf([sheet_scan(tmp_path, "birth", "01/1998", AUTHORITY, "1998", seed=1),
                      text_page("Khai sinh 1"), text_page("Khai sinh 2"),
                      sheet_scan(tmp_path, "death", "02/2001", "", "2001", seed=2, angle=-2),
                      text_page("Khai tử 1")], place["staging"] / "chong-so.pdf")
    (place["watched"] / "dang-quet.pdf.part").write_bytes(b"%PDF-1.4 half")
    (place["watched"] / "~tam.pdf").write_bytes(b"%PDF-1.4 half")
    _drop(stack, place["watched"])

    got = w.next()
    assert got["source"] == "chong-so.pdf" and got["outcome"] == "done", got
    books = {b["book"]: b for b in got["batches"]}
    assert set(books) == {"01/1998", "02/2001"}
    assert (books["01/1998"]["record_type"], books["01/1998"]["authority"], books["01/1998"]["pages"]) == (
        "birth", AUTHORITY, 2)
    # a sheet without an authority takes the watcher's default
    assert (books["02/2001"]["record_type"], books["02/2001"]["authority"], books["02/2001"]["pages"]) == (
        "death", "UBND mặc định", 1)
    assert (place["watched"] / "done" / "chong-so.pdf").exists()
    assert not (place["watched"] / "chong-so.pdf").exists()
    # temporary names are never taken
    assert (place["watched"] / "dang-quet.pdf.part").exists() and (place["watched"] / "~tam.pdf").exists()
    assert w.terminate() == 0
    assert "Đã dừng theo dõi" in "".join(w.stderr)

    ctx = _context(place["home"])
    with ctx.db.session() as s:
        rows = {b.book: b for b in s.scalars(select(Batch))}
        assert set(rows) == {"01/1998", "02/2001"} and rows["01/1998"].years == "1998"
        pages = dict(s.execute(select(Page.batch_id, func.count()).group_by(Page.batch_id)).all())
        assert pages == {rows["01/1998"].id: 2, rows["02/2001"].id: 1}  # 3 pages of 5: the sheets are not pages
    ctx.close()


def test_a_file_written_slowly_is_taken_only_once_complete(place, watchers):
    w = watchers(place["watched"], place["home"], settle=4.0)
    data = save_pdf([text_page("Trang một"), text_page("Trang hai")], place["staging"] / "b.pdf").read_bytes()
    target = place["watched"] / "cham.pdf"
    step = len(data) // 8 + 1
    for start in range(0, len(data), step):  # a slow scanner: a chunk every 0.3 s, the file growing in place
        with target.open("ab") as f:
            f.write(data[start:start + step])
        assert target.stat().st_size == min(start + step, len(data)), "the file was taken while being written"
        time.sleep(0.3)

    got = w.next()
    assert got["outcome"] == "done", got
    assert [b["pages"] for b in got["batches"]] == [2]
    done = place["watched"] / "done" / "cham.pdf"
    assert hashlib.sha256(done.read_bytes()).digest() == hashlib.sha256(data).digest()
    assert list((place["watched"] / "rejected").iterdir()) == []


def _journal_says_started(folder: Path, name: str) -> bool:
    journal = folder / ".sohoa-watch" / "journal.jsonl"
    return journal.exists() and any(json.loads(line).get("state") == "started" and json.loads(line)["name"] == name
                                    for line in journal.read_text(encoding="utf-8").splitlines() if line.strip())


def test_a_restart_takes_nothing_twice(place, watchers):
    # one sub-folder of images, no separator: one book with the watcher's defaults
    book = place["staging"] / "so-09"
    book.mkdir()
    for i in (1, 2):
        text_page(f"Trang {i}").save(book / f"trang-{i}.png")
    args = ("--type", "birth", "--book", "09/2009", "--authority", AUTHORITY)

    first = watchers(place["watched"], place["home"], *args)
    _drop(book, place["watched"])
    deadline = time.monotonic() + WAIT_S
    while not _journal_says_started(place["watched"], "so-09"):
        assert time.monotonic() < deadline and first.proc.poll() is None, "".join(first.stderr)
        time.sleep(0.2)
    time.sleep(1.0)
    first.kill_all()  # a crash (power cut) in the middle of the book
    assert (place["watched"] / "so-09").is_dir()  # nothing moved: it will be taken again

    second = watchers(place["watched"], place["home"], *args)
    got = second.next()
    assert got["outcome"] == "done", got
    assert [(b["book"], b["record_type"], b["authority"], b["pages"]) for b in got["batches"]] == [
        ("09/2009", "birth", AUTHORITY, 2)]
    assert _counts(place["home"]) == (1, 2, 2)

    # the same scans dropped again under another name: refused, nothing added
    shutil.copytree(place["watched"] / "done" / "so-09", place["staging"] / "so-09-lai")
    _drop(place["staging"] / "so-09-lai", place["watched"])
    again = second.next()
    assert again["outcome"] == "duplicate" and again["batches"] == [], again
    reason = (place["watched"] / "rejected" / "so-09-lai.txt").read_text(encoding="utf-8")
    assert "đã được nhập" in reason and got["batches"][0]["batch_id"] in reason
    assert _counts(place["home"]) == (1, 2, 2)
    assert second.terminate() == 0


def test_sigterm_in_the_middle_of_a_book_stops_cleanly_and_the_book_resumes(place, watchers):
    pdf = save_pdf([text_page(f"Trang {i}") for i in range(1, 4)], place["staging"] / "so.pdf")
    first = watchers(place["watched"], place["home"])
    _drop(pdf, place["watched"])
    deadline = time.monotonic() + WAIT_S
    while not _journal_says_started(place["watched"], "so.pdf"):
        assert time.monotonic() < deadline and first.proc.poll() is None, "".join(first.stderr)
        time.sleep(0.2)
    time.sleep(0.5)
    assert first.terminate() == 0  # three pages of OCR cannot be over yet: the stop came in the middle
    assert "Đã dừng theo dõi" in "".join(first.stderr)
    assert (place["watched"] / "so.pdf").exists()  # left where it was, to be taken again

    second = watchers(place["watched"], place["home"])
    got = second.next()
    assert got["outcome"] == "done" and [b["pages"] for b in got["batches"]] == [3], got
    assert _counts(place["home"]) == (1, 1, 3)


def test_a_corrupt_file_goes_to_rejected_with_its_reason(place, watchers):
    w = watchers(place["watched"], place["home"], "--poll")  # the polling observer, as on a network share
    good = save_pdf([text_page("Một trang")], place["staging"] / "x.pdf").read_bytes()
    (place["staging"] / "hỏng.pdf").write_bytes(good[: len(good) // 2])  # cut short: no %%EOF
    _drop(place["staging"] / "hỏng.pdf", place["watched"])

    got = w.next()
    assert got["source"] == "hỏng.pdf" and got["outcome"] == "rejected", got
    assert (place["watched"] / "rejected" / "hỏng.pdf").read_bytes() == good[: len(good) // 2]
    reason = (place["watched"] / "rejected" / "hỏng.pdf.txt").read_text(encoding="utf-8")
    assert "Không nhập được hỏng.pdf" in reason and "bị cắt cụt" in reason
    assert list((place["watched"] / "done").iterdir()) == []
    assert w.terminate() == 0
