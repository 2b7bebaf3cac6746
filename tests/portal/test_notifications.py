"""Emails to the policyholder: the report's confirmation, the adjuster's questions and every state
change, once each, after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from claims.services import information_request_create
from tests.claims.conftest import report, walk

pytestmark = pytest.mark.django_db


def _to_holder(holder):
    return [message for message in mail.outbox if message.to == [holder.email]]


def test_a_report_is_confirmed_by_email(cyber_policy, holder, holder_user,
                                        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        claim = report(cyber_policy, holder_user)
    [message] = _to_holder(holder)
    assert claim.number in message.subject


def test_a_question_is_emailed(my_claim, holder, adjuster, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        information_request_create(claim=my_claim, question="Which backup do you have?",
                                   due_date=timezone.localdate() + timedelta(days=5),
                                   requested_by=adjuster)
    [message] = _to_holder(holder)
    assert "Which backup do you have?" in message.body


@pytest.mark.parametrize(("transitions", "subject"), [
    (["start_liability_check"], "we are checking cover and liability"),
    (["start_liability_check", "start_settlement"], "we are preparing the settlement"),
    (["start_liability_check", "start_settlement", "approve_settlement"],
     "the settlement is approved"),
])
def test_every_state_change_is_emailed_once(my_claim, holder, adjuster, transitions, subject,
                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        walk(my_claim, adjuster, *transitions)
    messages = _to_holder(holder)
    assert len(messages) == len(transitions)
    assert subject in messages[-1].subject
    assert "What happens next" in messages[-1].body


def test_a_denial_is_emailed_once_by_the_claims_service(my_claim, holder, adjuster,
                                                        django_capture_on_commit_callbacks):
    walk(my_claim, adjuster, "start_liability_check")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        walk(my_claim, adjuster, "deny")
    [message] = _to_holder(holder)
    assert "decision" in message.subject


def test_a_rolled_back_transition_sends_nothing(my_claim, holder, adjuster,
                                                django_capture_on_commit_callbacks):
    from claims.exceptions import ClaimValidationError
    from claims.services import claim_transition

    walk(my_claim, adjuster, "start_liability_check")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ClaimValidationError):
        claim_transition(claim=my_claim, transition="deny", by=adjuster, reason="x",
                         payload={"denial_reason": "no-such-reason"})
    assert _to_holder(holder) == []
