"""Emails to the policyholder: the report's confirmation, the adjuster's questions and every state
change, once each, after commit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from claims.services import information_request_create
from tests.factories import report, walk

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


def test_a_policyholder_message_reaches_the_adjusters_and_waits_in_their_queue(
        my_claim, holder_user, adjuster, client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from claims.models import Activity, ClaimNote
    from claims.portal.services import portal_message_send
    from claims.services import note_add

    assert my_claim.assigned_adjuster_id is None
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        portal_message_send(claim=my_claim, user=holder_user, text="Any news on our server?")

    [message] = [m for m in mail.outbox if adjuster.email in m.to]
    assert "Any news on our server?" in message.body
    assert Activity.objects.filter(claim=my_claim, completed_at__isnull=True,
                                   title="Answer the policyholder's message").count() == 1
    client.force_login(adjuster)
    queue = reverse("admin:claims_claim_changelist") + "?queue=messages"
    assert my_claim.number in client.get(queue).content.decode()
    note_add(claim=my_claim, text="The forensics team is on it.", author=adjuster,
             visibility=ClaimNote.Visibility.POLICYHOLDER)
    assert my_claim.number not in client.get(queue).content.decode()
