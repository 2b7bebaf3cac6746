"""Escalation of an unaccepted emergency job through a real Celery worker and Redis."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from claims.vendors.models import VendorJob
from config.outbox import enqueue
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    make_org,
    make_policy,
    make_team_lead,
    report,
)
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_real_worker_proposes_and_then_escalates_an_unaccepted_emergency_job(celery_worker):
    lead = make_team_lead("lead")
    holder_user = UserFactory(username="holder")
    holder = PolicyholderFactory(user=holder_user, postcode="86150")
    policy = make_policy(holder=holder, product="cyber", created_by=lead)
    make_org("First 24/7", available_24_7=True, panel=True)
    make_org("Second 24/7", available_24_7=True)

    claim = report(policy, holder_user, emergency=True)  # enqueues the proposal via the outbox
    first = wait_for(lambda: VendorJob.objects.filter(claim=claim).first())
    assert first.organisation.name == "First 24/7"
    assert first.state == "requested"

    # The hour passes without an answer.
    VendorJob.objects.filter(pk=first.pk).update(
        accept_deadline=timezone.now() - timedelta(minutes=1))
    with transaction.atomic():
        enqueue("vendors.jobs_escalate_unaccepted")

    second = wait_for(lambda: VendorJob.objects.filter(escalated_from=first).first())
    first.refresh_from_db()
    assert first.state == "escalated"
    assert second.organisation.name == "Second 24/7"
    assert second.state == "requested" and second.emergency

    with transaction.atomic():  # a second run (beat fires every minute) changes nothing
        message = enqueue("vendors.jobs_escalate_unaccepted")
    # done: the worker ran it and confirmed (it may pass "sent" between two polls)
    wait_for(lambda: message.__class__.objects.get(pk=message.pk).status == "done")
    assert VendorJob.objects.filter(claim=claim).count() == 2
