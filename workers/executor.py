"""The executor interface: run a batch's pages to completion, reporting progress as pages finish."""
from __future__ import annotations

from typing import Protocol, runtime_checkable


class ProgressSink(Protocol):
    def start(self, total: int) -> None: ...

    def page_done(self, ok: bool) -> None: ...

    def close(self) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def page_done(self, ok: bool) -> None:
        pass

    def close(self) -> None:
        pass


@runtime_checkable
class Executor(Protocol):
    """Embedded: :class:`workers.local.LocalExecutor`; distributed: :class:`workers.celery_executor.CeleryExecutor`."""

    def run(self, batch_id: str, page_ids: list[str], progress: ProgressSink) -> None:
        """Process the pages (each ends done or failed), index their records, finalise the batch; block until then."""
        ...
