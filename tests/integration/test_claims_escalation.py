"""The beat's escalation task, enqueued through the outbox and run by a real Celery worker against
the test database: an overdue activity is escalated to the team lead once, however often the task
runs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from claims.models import Activity
from claims.services import claim_assign, claim_report
from config import outbox
from config.models import AuditEntry
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_policy,
    make_team_lead,
)
from tests.integration.conftest import finished_runs, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TASK = "claims.activities_escalate_overdue"



def test_a_real_worker_escalates_an_overdue_activity_once(celery_worker):
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adj", team_lead=lead)
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user), created_by=lead)
    claim = claim_report(policy=policy, loss_type=loss_type("ransomware"),
                         loss_date=timezone.localdate(), description="Encrypted overnight",
                         reported_by=holder_user)
    claim_assign(claim=claim, adjuster=adjuster, by=adjuster)
    activity = claim.activities.get()
    Activity.objects.filter(pk=activity.pk).update(due_at=timezone.now() - timedelta(hours=2))

    with transaction.atomic():
        outbox.enqueue(TASK)

    escalated = wait_for(lambda: Activity.objects.filter(
        pk=activity.pk, escalated_at__isnull=False).first(), timeout=20)
    assert escalated.escalated_to == lead
    assert escalated.completed_at is None
    wait_for(lambda: len(finished_runs(celery_worker, TASK)) >= 1, timeout=20)

    with transaction.atomic():
        outbox.enqueue(TASK)

    wait_for(lambda: len(finished_runs(celery_worker, TASK)) >= 2, timeout=20)
    assert finished_runs(celery_worker, TASK)[-1].rstrip().endswith(": 0")
    assert AuditEntry.objects.filter(action="activity.escalated", claim_id=claim.pk).count() == 1
    assert Activity.objects.get(pk=activity.pk).escalated_at == escalated.escalated_at
