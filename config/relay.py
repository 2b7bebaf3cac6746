"""The outbox relay and the worker heartbeat: a thread in every Celery worker's main process.

Every ``OUTBOX_RELAY_INTERVAL`` seconds (1 s) it:

- writes the worker's heartbeat (every ``WORKER_HEARTBEAT_INTERVAL`` seconds) for ``/healthz``;
- notices a restarted Redis (its ``run_id`` changed): what was handed to the old one and has not
  run is put back to pending at once, instead of waiting for ``OUTBOX_CONFIRM_AFTER``;
- sends the pending messages that are due, so work held back while the broker was down goes out
  within a second or two of it answering again.

Errors (database or broker down) are logged and the loop goes on; the thread never stops the
worker.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

logger = logging.getLogger(__name__)

_stop = threading.Event()
_thread: threading.Thread | None = None


def broker_run_id() -> str | None:
    """Redis's ``run_id`` (new after every restart), or None when it does not answer in 1 s."""
    if not settings.REDIS_URL:
        return None
    try:
        import redis

        url = settings.REDIS_URL.replace("redis+socket://", "unix://", 1)
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        try:
            return client.info("server").get("run_id")
        finally:
            client.close()
    except Exception:
        return None


def heartbeat(hostname: str) -> None:
    from config.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        hostname=hostname, defaults={"seen_at": timezone.now(), "pid": os.getpid()}
    )


class Relay:
    """One relay's state: the last Redis ``run_id`` seen and when the heartbeat was written."""

    def __init__(self, hostname: str):
        self.hostname = hostname or f"worker-{os.getpid()}"
        self.run_id: str | None = None
        self.last_heartbeat = 0.0

    def tick(self) -> int:
        """One pass; returns how many messages were sent."""
        from config import outbox

        if time.monotonic() - self.last_heartbeat >= settings.WORKER_HEARTBEAT_INTERVAL:
            heartbeat(self.hostname)
            self.last_heartbeat = time.monotonic()
        run_id = broker_run_id()
        if run_id is None:
            return 0  # the broker does not answer: nothing can be sent now
        if self.run_id is not None and run_id != self.run_id:
            requeued = outbox.requeue_unconfirmed(sent_before=timezone.now())
            logger.warning("Redis restarted: %s unconfirmed outbox messages sent again", requeued)
        self.run_id = run_id
        return outbox.outbox_sweep(
            older_than=timedelta(seconds=settings.OUTBOX_RELAY_GRACE), limit=200
        )

    def run(self) -> None:
        while not _stop.is_set():
            try:
                self.tick()
            except Exception:
                logger.warning("outbox relay pass failed", exc_info=True)
                with contextlib.suppress(Exception):
                    connection.close()
            _stop.wait(settings.OUTBOX_RELAY_INTERVAL)
        connection.close()


def start(*, hostname: str) -> None:
    """Start the relay thread once per process (a worker's ``worker_ready``)."""
    global _thread
    if not settings.OUTBOX_RELAY_INTERVAL or (_thread is not None and _thread.is_alive()):
        return
    _stop.clear()
    _thread = threading.Thread(
        target=Relay(hostname).run, name="outbox-relay", daemon=True
    )
    _thread.start()


def stop() -> None:
    _stop.set()
    if _thread is not None:
        _thread.join(timeout=5)
