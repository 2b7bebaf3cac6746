"""The relay in every worker: heartbeat, pending messages sent at once, and what a restarted Redis
lost sent again, even by a worker that starts after the restart."""

from datetime import timedelta

import pytest
from django.utils import timezone

from config import outbox, relay
from config.models import OutboxMessage, WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def published(monkeypatch):
    sent = []

    def publish(pk, **kwargs):
        sent.append(pk)
        return OutboxMessage.objects.filter(pk=pk).update(status="sent", sent_at=timezone.now())

    monkeypatch.setattr(outbox, "publish", publish)
    return sent


@pytest.fixture
def redis_run_id(monkeypatch):
    current = {"id": "run-A"}
    monkeypatch.setattr(relay, "broker_run_id", lambda: current["id"])
    return current


def _handed_over() -> OutboxMessage:
    return OutboxMessage.objects.create(task_name="config.outbox_prune", status="sent",
                                        sent_at=timezone.now() - timedelta(seconds=3))


def test_a_tick_writes_the_heartbeat_and_sends_what_is_pending(published, redis_run_id, settings):
    settings.OUTBOX_RELAY_GRACE = 0
    waiting = OutboxMessage.objects.create(task_name="config.outbox_prune")
    relay.Relay("w1@host").tick()
    assert published == [waiting.pk]
    beat = WorkerHeartbeat.objects.get(hostname="w1@host")
    assert beat.broker_run_id == "run-A"
    assert (timezone.now() - beat.seen_at).total_seconds() < 5


def test_a_restarted_redis_gets_again_what_had_not_run(published, redis_run_id, settings):
    settings.OUTBOX_RELAY_GRACE = 0
    worker = relay.Relay("w1@host")
    worker.tick()
    lost = _handed_over()
    done = OutboxMessage.objects.create(task_name="config.outbox_prune", status="done")
    worker.tick()
    assert published == []  # same Redis: the message is still queued there

    redis_run_id["id"] = "run-B"  # Redis restarted, its queue is gone
    worker.tick()
    assert published == [lost.pk]
    assert OutboxMessage.objects.get(pk=done.pk).status == "done"


def test_a_worker_started_after_the_restart_notices_it_too(published, redis_run_id, settings):
    settings.OUTBOX_RELAY_GRACE = 0
    relay.Relay("old@host").tick()  # saw run-A, then died with Redis
    lost = _handed_over()
    redis_run_id["id"] = "run-B"
    relay.Relay("new@host").tick()
    assert published == [lost.pk]


def test_a_broker_that_does_not_answer_sends_nothing_but_the_heartbeat(published, redis_run_id):
    redis_run_id["id"] = None
    OutboxMessage.objects.create(task_name="config.outbox_prune")
    relay.Relay("w1@host").tick()
    assert published == []
    assert WorkerHeartbeat.objects.filter(hostname="w1@host").exists()


# --- production: the relay publishes every commit's messages (OUTBOX_PUBLISHER = "relay") -------


@pytest.fixture
def relay_publishes(settings):
    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    settings.OUTBOX_PUBLISHER = "relay"


def test_a_commit_leaves_its_messages_to_the_relay(relay_publishes, handed):
    """The committing process (a request, an approval) does no broker work: nothing is run after
    its commit; the relay's pass sends the messages in order, with their task ids and
    arguments, and marks them sent."""
    from django.db import connection, transaction

    from config.rows import RowBatch

    with transaction.atomic():
        first = outbox.enqueue("config.outbox_prune", older_than_days=1)
        rows = RowBatch()
        second = outbox.enqueue("config.outbox_prune", rows=rows, older_than_days=2)
        rows.write()
        assert connection.run_on_commit == []
    assert handed == []
    messages = OutboxMessage.objects.filter(pk__in=[first.pk, second.pk]).order_by("pk")
    assert [m.status for m in messages] == ["pending", "pending"]

    assert outbox.relay_send() == 2

    assert handed == [(f"outbox-{first.pk}", {"older_than_days": 1}),
                      (f"outbox-{second.pk}", {"older_than_days": 2})]
    assert [(m.status, m.attempts) for m in messages.all()] == [("sent", 1), ("sent", 1)]
    assert outbox.relay_send() == 0  # sent once


def test_the_relay_leaves_a_message_in_back_off_and_stops_at_the_broker_failing(
    relay_publishes, monkeypatch
):
    task = outbox._task("config.outbox_prune")
    calls = []

    def broker_down(*args, **kwargs):
        calls.append(kwargs["task_id"])
        raise ConnectionError("Redis does not answer")

    monkeypatch.setattr(task, "apply_async", broker_down)
    later = OutboxMessage.objects.create(task_name="config.outbox_prune",
                                         next_attempt_at=timezone.now() + timedelta(hours=1))
    first = OutboxMessage.objects.create(task_name="config.outbox_prune")
    second = OutboxMessage.objects.create(task_name="config.outbox_prune")
    try:
        assert outbox.relay_send() == 0
        assert calls == [f"outbox-{first.pk}"]  # not the one in back-off, nothing after it
        first.refresh_from_db()
        assert (first.status, first.attempts) == ("pending", 1)
        assert "Redis does not answer" in first.last_error
        assert OutboxMessage.objects.get(pk=second.pk).attempts == 0
        assert OutboxMessage.objects.get(pk=later.pk).attempts == 0
        assert not outbox.broker_available()  # between ticks the relay now waits
        assert relay.Relay("w1@host").send() == 0
        assert len(calls) == 1
    finally:
        outbox._close_breaker()


def test_the_relay_sends_a_committed_message_within_its_poll(
    relay_publishes, handed, redis_run_id, settings
):
    """Not after the 2 s grace nor at the next tick (a minute here): within a poll or two."""
    import time

    from django.db import transaction

    from tests.config.test_outbox import _wait_for

    settings.OUTBOX_RELAY_POLL = 0.02
    settings.OUTBOX_RELAY_INTERVAL = 60
    relay.start(hostname="poll@host")
    try:
        _wait_for(lambda: WorkerHeartbeat.objects.filter(hostname="poll@host").exists(),
                  "the relay's first tick never ran")
        with transaction.atomic():
            message = outbox.enqueue("config.outbox_prune")
        started = time.monotonic()
        _wait_for(lambda: handed, "the relay never sent it", seconds=1.5)
        assert time.monotonic() - started < 1.0
        assert handed == [(f"outbox-{message.pk}", {})]
        _wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == "sent",
                  "the relay never marked it sent", seconds=1.5)
    finally:
        relay.stop()
