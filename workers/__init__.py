"""Running the pipeline: stages as plain functions, a local process pool or Celery workers to run them."""
from __future__ import annotations

from .context import Context
from .executor import Executor, NoProgress, ProgressSink


def open_executor(ctx: Context) -> Executor:
    if ctx.settings.distributed:
        from .celery_executor import CeleryExecutor

        return CeleryExecutor(ctx)
    from .local import LocalExecutor

    return LocalExecutor(ctx)


__all__ = ["Context", "Executor", "NoProgress", "ProgressSink", "open_executor"]
