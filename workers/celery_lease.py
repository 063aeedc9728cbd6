"""A short lease on every task a Celery worker holds, renewed while the worker lives.

Redis hands an unacknowledged message to another worker once it has been held for longer than the visibility
timeout. A timeout long enough for the slowest page (minutes) also leaves a dead worker's page waiting that
long. So the timeout here is short (:data:`LEASE_S`) and each live worker pushes the delivery time of every
message it still holds forward every :data:`RENEW_S`: a worker that is alive keeps its pages however long
they take, a worker that died (kill -9, power cut) stops renewing, and any other worker's periodic sweep
(``unacked_restore_interval``) puts its pages back on the queue within ``LEASE_S + RENEW_S`` seconds.

A lease can also lapse for a live worker (Redis away for longer than the lease; a ``--pool solo`` worker,
whose timer waits while a task runs — `sohoa worker` uses the prefork pool, whose timer runs beside its
tasks): the page is then run twice, which the idempotent stages make harmless (same keys, same record ids).
"""
from __future__ import annotations

import logging
import time

from celery import bootsteps

log = logging.getLogger(__name__)

#: How long a message may go without renewal before another worker is given it (seconds).
LEASE_S = 30
#: How often a live worker renews its messages' leases; well under LEASE_S so one late timer does no harm.
RENEW_S = 10


def held_tags(qos) -> list[str]:
    """Delivery tags of the messages this channel holds (reserved, running, or waiting for a retry's ETA)."""
    for _ in range(3):
        try:
            return list(qos._delivered)
        except RuntimeError:  # changed under us (a thread-based timer, e.g. the solo pool): look again
            continue
    return []


def renew(channel, now: float | None = None) -> int:
    """Set the delivery time of every message held on ``channel`` to now; returns how many were renewed.

    ``ZADD XX CH`` only updates (and counts) tags still in the index: a message acknowledged, or handed on by a
    sweep, in the meantime is not brought back.
    """
    tags = held_tags(channel.qos)
    if not tags:
        return 0
    stamp = time.time() if now is None else now
    with channel.conn_or_acquire() as client:
        pipe = client.pipeline()
        for tag in tags:
            pipe.zadd(channel.unacked_index_key, {tag: stamp}, xx=True, ch=True)
        return sum(pipe.execute())


class LeaseRenewal(bootsteps.StartStopStep):
    """Consumer bootstep: renews the leases of this worker's messages on the worker's own timer."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, c, **kwargs) -> None:
        self.tref = None
        super().__init__(c, **kwargs)

    def start(self, c) -> None:
        self._cancel()  # a consumer restarting after a lost connection starts its steps again
        self.tref = c.timer.call_repeatedly(RENEW_S, self._renew, (c,), priority=5)

    def _renew(self, c) -> None:
        consumer = c.task_consumer
        if consumer is None:  # between a lost connection and the next
            return
        channel = consumer.channel
        try:
            renew(channel)
        except channel.connection_errors as exc:
            # The sweep that would hand our messages away needs Redis too; the next tick tries again.
            log.warning("could not renew task leases: %s", exc)

    def stop(self, c) -> None:
        # Not yet: a warm shutdown stops consuming first, then waits for the running pages, whose leases must
        # not lapse meanwhile.
        pass

    def shutdown(self, c) -> None:
        self._cancel()

    def _cancel(self) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None
