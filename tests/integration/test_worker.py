"""A real worker against a real Redis runs tasks whose effect lands in PostgreSQL."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from config import outbox
from config.models import OutboxMessage
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_runs_the_sweep_which_sends_work_whose_enqueue_had_failed(celery_worker):
    lost = OutboxMessage.objects.create(task_name="config.outbox_sweep")
    OutboxMessage.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))

    with transaction.atomic():
        trigger = outbox.enqueue("config.outbox_sweep")

    trigger.refresh_from_db()
    assert trigger.status == OutboxMessage.Status.SENT
    wait_for(lambda: OutboxMessage.objects.get(pk=lost.pk).status == OutboxMessage.Status.SENT)
