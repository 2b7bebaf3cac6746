"""A real worker against a real Redis runs tasks whose effect lands in PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from config import outbox
from config.models import OutboxMessage
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_worker_runs_the_sweep_which_sends_work_whose_enqueue_had_failed(celery_worker):
    lost = OutboxMessage.objects.create(task_name="config.outbox_sweep")
    OutboxMessage.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))

    with transaction.atomic():
        trigger = outbox.enqueue("config.outbox_sweep")

    trigger.refresh_from_db()
    assert trigger.status in (OutboxMessage.Status.SENT, OutboxMessage.Status.DONE)
    # done means the worker ran it (not merely that Redis took it)
    wait_for(lambda: OutboxMessage.objects.get(pk=lost.pk).status == OutboxMessage.Status.DONE)
    wait_for(lambda: OutboxMessage.objects.get(pk=trigger.pk).status == OutboxMessage.Status.DONE)


def test_the_worker_writes_a_heartbeat_and_health_says_it_is_alive(celery_worker, client):
    from config.models import WorkerHeartbeat

    wait_for(lambda: WorkerHeartbeat.objects.filter(hostname=celery_worker.name).exists())
    body = client.get("/healthz").json()
    assert body["workers"]["alive"] >= 1


def test_worker_marks_policies_expired_and_the_change_lands_in_postgresql(celery_worker):
    from config.models import AuditEntry
    from policies.models import Policy
    from tests.factories import PolicyFactory

    today = timezone.localdate()
    lapsed = PolicyFactory(start_date=today.replace(year=today.year - 1))
    running = PolicyFactory(start_date=today)
    assert lapsed.expiry_date <= today < running.expiry_date

    with transaction.atomic():
        outbox.enqueue("policies.policy_expire_due")

    wait_for(lambda: Policy.objects.get(pk=lapsed.pk).status == Policy.Status.EXPIRED)
    assert Policy.objects.get(pk=running.pk).status == Policy.Status.ACTIVE
    entry = AuditEntry.objects.get(action="policy.expired", object_id=str(lapsed.pk))
    assert (entry.from_value, entry.to_value, entry.actor) == ("active", "expired", None)
