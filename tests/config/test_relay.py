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
