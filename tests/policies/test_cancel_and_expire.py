"""Cancelling a policy and the daily expiry task."""

from datetime import date

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from config.models import AuditEntry
from policies.models import Policy
from policies.services import policies_expire_due, policy_cancel
from policies.tasks import policy_expire_due_task
from tests.factories import PolicyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_cancel_sets_the_status_and_date_and_is_audited():
    policy = PolicyFactory(start_date=date(2026, 1, 1))
    adjuster = UserFactory()
    policy_cancel(
        policy=policy, cancelled_from=date(2026, 7, 1), cancelled_by=adjuster,
        reason="Policyholder gave notice.",
    )
    policy.refresh_from_db()
    assert (policy.status, policy.cancelled_from) == (Policy.Status.CANCELLED, date(2026, 7, 1))
    entry = AuditEntry.objects.get(action="policy.cancelled")
    assert (entry.actor, entry.from_value, entry.to_value) == (adjuster, "active", "cancelled")
    assert entry.reason == "Policyholder gave notice."


@pytest.mark.parametrize(
    ("cancelled_from", "reason", "field"),
    [
        (date(2025, 12, 31), "Notice.", "cancelled_from"),
        (date(2027, 1, 2), "Notice.", "cancelled_from"),
        (date(2026, 7, 1), "  ", "reason"),
    ],
)
def test_cancel_refuses_dates_outside_the_term_and_an_empty_reason(cancelled_from, reason, field):
    policy = PolicyFactory(start_date=date(2026, 1, 1))
    with pytest.raises(ValidationError) as error:
        policy_cancel(
            policy=policy, cancelled_from=cancelled_from, cancelled_by=None, reason=reason
        )
    assert field in error.value.message_dict
    policy.refresh_from_db()
    assert policy.status == Policy.Status.ACTIVE


def test_a_policy_is_cancelled_once():
    policy = PolicyFactory(start_date=date(2026, 1, 1))
    policy_cancel(policy=policy, cancelled_from=date(2026, 2, 1), cancelled_by=None, reason="A")
    with pytest.raises(ValidationError, match="already cancelled"):
        policy_cancel(policy=policy, cancelled_from=date(2026, 3, 1), cancelled_by=None, reason="B")


def test_expire_due_marks_policies_on_their_expiry_date_and_is_idempotent():
    due = PolicyFactory(start_date=date(2025, 3, 1))  # expires 1 March 2026
    running = PolicyFactory(start_date=date(2025, 3, 2))
    cancelled = PolicyFactory(start_date=date(2025, 1, 1))
    policy_cancel(policy=cancelled, cancelled_from=date(2025, 6, 1), cancelled_by=None, reason="X")

    assert policies_expire_due(today=date(2026, 3, 1)) == 1
    assert policies_expire_due(today=date(2026, 3, 1)) == 0

    statuses = dict(Policy.objects.values_list("pk", "status"))
    assert statuses == {
        due.pk: Policy.Status.EXPIRED,
        running.pk: Policy.Status.ACTIVE,
        cancelled.pk: Policy.Status.CANCELLED,
    }
    entry = AuditEntry.objects.get(action="policy.expired")
    assert (entry.actor, entry.object_id, entry.to_value) == (None, str(due.pk), "expired")


def test_the_task_expires_what_is_due_today():
    PolicyFactory(start_date=date(2020, 1, 1))
    assert policy_expire_due_task() == 1
    assert policy_expire_due_task() == 0
    assert Policy.objects.get().status == Policy.Status.EXPIRED


def test_the_task_is_scheduled_daily():
    entries = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "policies.policy_expire_due"
    ]
    assert len(entries) == 1
    assert entries[0]["schedule"].total_seconds() == 24 * 60 * 60
    assert policy_expire_due_task.name == "policies.policy_expire_due"
