"""A report under an event, registered by the worker: the claim is linked to its event and is
matched against the other events only if one of them covers its loss date."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.events.models import EventClaim
from claims.events.services import (
    claim_suggest_events,
    event_report_register,
    event_report_submit,
)
from config.models import OutboxMessage
from coverage.models import LossType
from tests.events.conftest import declare

pytestmark = pytest.mark.django_db

SUGGEST = "events.claim_suggest_events"


def _register(event, holder_user, cyber_policy):
    report, _ = event_report_submit(
        event=event, user=holder_user, policy=cyber_policy,
        loss_type=LossType.objects.get(code="ransomware"), loss_date=timezone.localdate(),
        description="Encrypted by LockBridge through the FileBridge MFT flaw.")
    return event_report_register(report_id=report.pk)


def test_a_claim_under_its_only_event_is_not_matched_again(event, holder_user, cyber_policy):
    claim = _register(event, holder_user, cyber_policy)
    assert EventClaim.objects.get().claim == claim
    assert not OutboxMessage.objects.filter(task_name=SUGGEST).exists()


def test_a_claim_under_one_of_two_events_is_matched_against_the_other(
        event, adjuster, holder_user, cyber_policy):
    other = declare(adjuster, name="FileBridge, second wave")
    claim = _register(event, holder_user, cyber_policy)
    assert OutboxMessage.objects.filter(task_name=SUGGEST, kwargs={"claim_id": claim.pk}).exists()
    assert [s.event_id for s in claim_suggest_events(claim_id=claim.pk)] == [other.pk]
