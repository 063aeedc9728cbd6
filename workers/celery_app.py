"""The Celery application of the distributed mode, built from the settings by a factory (never at import).

``make_celery(settings)`` is what the CLI (`sohoa worker`, the executor) calls. For a bare
``celery -A workers.celery_app worker`` the module attribute ``app`` is created on first access — that is,
when the worker starts — from ``Settings()``; importing this module reads no configuration.

Delivery is *at least once*: tasks are acknowledged after they finish (``acks_late``) and put back when the
process running them dies (``reject_on_worker_lost``). If a whole worker machine disappears, its tasks go back
to the queue once their short lease lapses (``workers/celery_lease.py``: live workers renew theirs), within
about 40 seconds. The stages are idempotent, so a page delivered twice is stored and indexed once.

The tasks live in ``workers/tasks.py``, registered through the app's ``include`` (imported when a worker
starts); this module does not import them, and they do not import it.
"""
from __future__ import annotations

from typing import Any

from celery import Celery

from domain.errors import ConfigError
from domain.settings import Settings

from .celery_lease import LEASE_S, LeaseRenewal

QUEUE = "sohoa"
TASK_MODULES = ["workers.tasks"]


def time_limits(settings: Settings) -> tuple[float, float, float]:
    """(soft, hard, visibility) seconds for one page task.

    OCR alone is bounded by ``ocr_timeout_s``; rendering and storing get half as much again plus a margin. The
    soft limit raises inside the task (the page is failed with a reason), the hard limit kills the process.
    The visibility timeout is the lease, not the task's length: a live worker renews the lease of every message
    it holds (running, or waiting for a retry's countdown), so only a dead worker's messages are handed on.
    """
    soft = settings.ocr_timeout_s * 1.5 + 15
    hard = soft + 15
    return soft, hard, float(LEASE_S)


def celery_config(settings: Settings) -> dict[str, Any]:
    if not settings.broker_url.startswith(("redis://", "rediss://")):
        raise ConfigError(
            f"SOHOA_BROKER_URL phải là redis://máy:cổng/số để chạy phân tán (hiện là {settings.broker_url!r})"
        )
    soft, hard, visibility = time_limits(settings)
    transport = {
        "visibility_timeout": int(visibility),
        # Sweep for abandoned messages (a worker killed outright) every 10 s rather than every ~100 s.
        "unacked_restore_interval": 10,
        "unacked_restore_throttle": 1,
    }
    return {
        "broker_url": settings.broker_url,
        "result_backend": settings.broker_url,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,
        "task_soft_time_limit": soft,
        "task_time_limit": hard,
        "broker_transport_options": transport,
        "result_expires": 7 * 24 * 3600,
        "task_default_queue": QUEUE,
        "task_track_started": True,
        "broker_connection_retry_on_startup": True,
        "worker_hijack_root_logger": False,
        "worker_send_task_events": False,
        "timezone": "UTC",
        "enable_utc": True,
    }


class SohoaCelery(Celery):
    """A Celery app that remembers the settings it was built from (each worker process builds its Context)."""

    settings: Settings


def make_celery(settings: Settings) -> SohoaCelery:
    app = SohoaCelery("sohoa", set_as_current=True, include=TASK_MODULES)
    app.conf.update(celery_config(settings))
    app.settings = settings
    app.steps["consumer"].add(LeaseRenewal)
    return app


_app: SohoaCelery | None = None


def current() -> SohoaCelery:
    """The app of this process, built from ``Settings()`` on first use."""
    global _app
    if _app is None:
        _app = make_celery(Settings())
    return _app


def __getattr__(name: str) -> Any:
    # `celery -A workers.celery_app` looks up `app` (then `celery`): build it then, not at import.
    if name in ("app", "celery"):
        return current()
    raise AttributeError(name)
