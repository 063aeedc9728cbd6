"""Two processes writing one Tantivy index at once (the server taking uploads while `sohoa ingest` runs, or
`sohoa serve --workers N`): Tantivy allows one writer, so each write waits its turn on a lock file; neither
crashes and every record of both is searchable afterwards."""
from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from pathlib import Path

import pytest

from index import IndexDoc, SearchQuery
from index.tantivy_index import TantivyIndex, _exclusive

PER_PROCESS = 120
CHUNK = 8


def _write(path: str, who: str, start: multiprocessing.synchronize.Event) -> None:
    ix = TantivyIndex(Path(path))
    start.wait()
    for i in range(0, PER_PROCESS, CHUNK):
        ix.upsert(IndexDoc(f"{who}-{j:04d}", "birth", {"full_name": f"Nguyễn Văn {who} {j}"})
                  for j in range(i, i + CHUNK))
    ix.close()


@pytest.mark.parametrize("writers", [("Lan", "Minh"), ("Lan", "Lan")], ids=["other records", "the same records"])
def test_two_processes_indexing_at_once_lose_nothing(tmp_path, writers):
    """Each record once, whichever process wrote it last: a process deletes what the other committed."""
    path = tmp_path / "index"
    TantivyIndex(path).close()
    mp = multiprocessing.get_context("spawn")
    start = mp.Event()
    procs = [mp.Process(target=_write, args=(str(path), who, start)) for who in writers]
    for p in procs:
        p.start()
    time.sleep(0.5)
    start.set()
    for p in procs:
        p.join(timeout=300)
    assert [p.exitcode for p in procs] == [0, 0]  # Tantivy's "lock busy" would have killed one
    ix = TantivyIndex(path)
    assert ix.count() == len(set(writers)) * PER_PROCESS
    for who in writers:
        assert ix.search(SearchQuery(f"nguyen van {who} {PER_PROCESS - 1}", limit=5)).hits[0].record_id == \
            f"{who}-{PER_PROCESS - 1:04d}"


def test_a_writer_waits_for_the_other_with_a_message(tmp_path, caplog):
    path = tmp_path / "index"
    ix = TantivyIndex(path)
    done = threading.Event()
    with caplog.at_level(logging.WARNING, logger="index.tantivy_index"):
        with _exclusive(path.parent / ".index.writer.lock"):  # as another process holding the writer
            t = threading.Thread(target=lambda: (ix.upsert([IndexDoc("r1", "birth", {"full_name": "Lê Thị Mai"})]),
                                                 done.set()))
            t.start()
            time.sleep(1.0)
            assert not done.is_set()  # still waiting its turn
        t.join(timeout=60)
    assert done.is_set() and ix.count() == 1
    assert "đang chờ đến lượt" in caplog.text
