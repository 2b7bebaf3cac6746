"""The outbox relay and the worker heartbeat: a thread in every Celery worker's main process.

Every ``OUTBOX_RELAY_INTERVAL`` seconds (1 s) it:

- writes the worker's heartbeat (every ``WORKER_HEARTBEAT_INTERVAL`` seconds) for ``/healthz``;
- notices a restarted Redis (its ``run_id`` changed): what was handed to the old one and has not
  run is put back to pending at once, instead of waiting for ``OUTBOX_CONFIRM_AFTER``;
- sends the pending messages that are due, so work held back while the broker was down goes out
  within a second or two of it answering again.

Where the relay publishes every commit's messages (``OUTBOX_PUBLISHER = "relay"``, production),
it also looks every ``OUTBOX_RELAY_POLL`` seconds (50 ms) for pending messages and sends them at
once, in batches (``outbox.relay_send``); the processes that commit them do no broker work.

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

# The most batches (``outbox.PUBLISH_BATCH`` messages each) one pass of the relay sends.
RELAY_BATCHES = 20

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


def heartbeat(hostname: str, run_id: str | None) -> None:
    from config.models import WorkerHeartbeat

    defaults = {"seen_at": timezone.now(), "pid": os.getpid()}
    if run_id:
        defaults["broker_run_id"] = run_id
    WorkerHeartbeat.objects.update_or_create(hostname=hostname, defaults=defaults)


def last_known_run_id() -> str | None:
    """The Redis run_id the workers saw last (kept in the database, so a worker that starts after
    a Redis restart still notices it)."""
    from config.models import WorkerHeartbeat

    return (
        WorkerHeartbeat.objects.exclude(broker_run_id="").order_by("-seen_at")
        .values_list("broker_run_id", flat=True).first()
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

        run_id = broker_run_id()
        known = self.run_id if self.run_id is not None else last_known_run_id()
        if run_id is not None and known is not None and run_id != known:
            requeued = outbox.requeue_unconfirmed(sent_before=timezone.now())
            logger.warning("Redis restarted: %s unconfirmed outbox messages sent again", requeued)
            heartbeat(self.hostname, run_id)  # record the new run_id before anything else
            self.last_heartbeat = time.monotonic()
        if run_id is not None:
            self.run_id = run_id
        if time.monotonic() - self.last_heartbeat >= settings.WORKER_HEARTBEAT_INTERVAL:
            heartbeat(self.hostname, self.run_id)
            self.last_heartbeat = time.monotonic()
        if run_id is None:
            return 0  # the broker does not answer: nothing can be sent now
        if outbox.published_by_relay():
            outbox.requeue_unconfirmed(
                sent_before=timezone.now() - timedelta(seconds=settings.OUTBOX_CONFIRM_AFTER))
            return self.send(force=True)
        return outbox.outbox_sweep(
            older_than=timedelta(seconds=settings.OUTBOX_RELAY_GRACE), limit=200
        )

    def send(self, *, force: bool = False) -> int:
        """Send what is pending, batch after batch (at most ``RELAY_BATCHES`` per pass); between
        ticks (``force`` False) nothing while the breaker is open after a failed send."""
        from config import outbox

        sent = 0
        for _batch in range(RELAY_BATCHES):
            if not (force or outbox.broker_available()):
                break
            count = outbox.relay_send()
            sent += count
            if count < outbox.PUBLISH_BATCH:
                break
        return sent

    def run(self) -> None:
        from config import outbox

        next_tick = 0.0
        while not _stop.is_set():
            polling = outbox.published_by_relay() and settings.OUTBOX_RELAY_POLL > 0
            try:
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + settings.OUTBOX_RELAY_INTERVAL
                    self.tick()
                elif polling:
                    self.send()
            except Exception:
                logger.warning("outbox relay pass failed", exc_info=True)
                with contextlib.suppress(Exception):
                    connection.close()
            _stop.wait(settings.OUTBOX_RELAY_POLL if polling
                       else max(0.0, next_tick - time.monotonic()))
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
