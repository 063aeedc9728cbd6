"""Running the pipeline: stages as plain functions, a local process pool or Celery workers to run them."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .executor import Executor, NoProgress, ProgressSink

if TYPE_CHECKING:
    from .context import Context


def __getattr__(name: str):
    # Context (and the database, stores and index it imports) on first use: a light module of this package
    # (workers.forkserver) can then be imported first thing, before them.
    if name == "Context":
        from .context import Context

        return Context
    raise AttributeError(f"module 'workers' has no attribute {name!r}")


def open_executor(ctx: Context) -> Executor:
    if ctx.settings.distributed:
        from .celery_executor import CeleryExecutor

        return CeleryExecutor(ctx)
    from .local import LocalExecutor

    return LocalExecutor(ctx)


__all__ = ["Context", "Executor", "NoProgress", "ProgressSink", "open_executor"]
