"""Declaring an event and the "probably part of event X" suggestions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from claims.events.matching import mentions
from claims.events.models import CyberEvent, EventClaim, EventSuggestion
from claims.events.services import (
    claim_suggest_events,
    event_close,
    event_suggest,
    event_update,
    suggestion_confirm,
    suggestion_reject,
)
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.services import information_request_answer, information_request_create
from config.models import AuditEntry, OutboxMessage
from tests.events.conftest import declare, other_holder_policy
from tests.factories import report, walk

pytestmark = pytest.mark.django_db


def test_an_adjuster_declares_an_event_with_what_identifies_it(adjuster):
    event = declare(adjuster, cve_id="cve-2026-31337")
    assert event.status == CyberEvent.Status.OPEN
    assert event.cve_id == "CVE-2026-31337"
    assert event.report_loss_type.code == "ransomware"
    entry = AuditEntry.objects.get(action="event.declared", object_id=str(event.pk))
    assert entry.actor == adjuster
    assert entry.payload["software"] == ["FileBridge MFT", "FileBridge"]


def test_declaring_refuses_bad_input_by_field(adjuster):
    with pytest.raises(ClaimValidationError) as error:
        declare(adjuster, name="", kind="meteor", cve_id="CVE-12", software=[], indicators=[],
                loss_types=[], ends_at=timezone.now() - timedelta(days=30))
    assert set(error.value.errors) == {"name", "kind", "cve_id", "ends_at"}
    with pytest.raises(ClaimValidationError) as error:
        declare(adjuster, cve_id="", software=[], indicators=[], loss_types=[])
    assert "at least one provider" in error.value.errors["providers"][0]
    assert not CyberEvent.objects.exists()


def test_only_adjusters_declare_events(holder_user):
    with pytest.raises(PermissionDeniedError):
        declare(holder_user)


def test_open_claims_in_the_window_that_match_are_suggested_and_others_are_not(
        adjuster, cyber_policy, holder_user, team_lead):
    matching_text = report(cyber_policy, holder_user, code="hacking", days_ago=2,
                           description="Our FileBridge MFT server encrypted everything.")
    matching_type = report(cyber_policy, holder_user, code="ransomware", days_ago=1,
                           description="Files encrypted, note on the desktop.")
    # Must NOT match: another loss type, no name of the event, only a similar word.
    unrelated = report(cyber_policy, holder_user, code="hacking", days_ago=1,
                       description="Someone guessed the mail password; FileBridgeX unaffected.")
    # Must NOT match: names the software but the loss happened before the event.
    too_early = report(cyber_policy, holder_user, code="hacking", days_ago=20,
                       description="FileBridge MFT crashed after a disk failure.")
    # Must NOT match: the claim is withdrawn already.
    withdrawn = report(cyber_policy, holder_user, code="ransomware", days_ago=1)
    walk(withdrawn, adjuster, "withdraw")

    event = declare(adjuster)

    suggested = {s.claim_id: s for s in EventSuggestion.objects.filter(event=event)}
    assert set(suggested) == {matching_text.pk, matching_type.pk}
    assert "mentions 'FileBridge MFT'" in suggested[matching_text.pk].reasons
    assert suggested[matching_type.pk].reasons == ["loss type: Ransomware"]
    assert unrelated.pk not in suggested and too_early.pk not in suggested
    assert withdrawn.pk not in suggested
    assert AuditEntry.objects.filter(action="event.claim_suggested",
                                     claim_id=matching_text.pk).exists()


def test_the_matcher_wants_whole_words():
    assert mentions("the FileBridge server", "filebridge")
    assert not mentions("FileBridgeX", "FileBridge")
    assert mentions("see CVE-2026-31337.", "CVE-2026-31337")


def test_an_answer_to_a_question_can_make_the_match(adjuster, cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, code="hacking", days_ago=1,
                   description="Strange files on the server.")
    event = declare(adjuster)
    assert not EventSuggestion.objects.filter(event=event).exists()
    request = information_request_create(claim=claim, question="Which software was hit?",
                                         due_date=timezone.localdate(), requested_by=adjuster)
    information_request_answer(request=request, answer="It was our LockBridge-infected box.",
                               answered_by=holder_user)
    made = event_suggest(event=event, by=adjuster)
    assert [s.claim_id for s in made] == [claim.pk]
    assert made[0].reasons == ["mentions 'LockBridge'"]


def test_the_policy_dependency_is_given_as_a_further_reason(adjuster, cyber_policy,
                                                            holder_user):
    from policies.dependencies import policy_dependencies_set

    policy_dependencies_set(policy=cyber_policy, by=holder_user,
                            dependencies=[{"kind": "software", "name": "filebridge mft"}])
    report(cyber_policy, holder_user, code="ransomware", days_ago=1)
    event = declare(adjuster)
    suggestion = EventSuggestion.objects.get(event=event)
    assert suggestion.reasons == ["loss type: Ransomware",
                                  "the policy depends on 'filebridge mft'"]


def test_a_new_claim_is_queued_for_matching_and_suggested(adjuster, cyber_policy, holder_user):
    event = declare(adjuster)
    claim = report(cyber_policy, holder_user, code="ransomware", days_ago=0)
    assert OutboxMessage.objects.filter(task_name="events.claim_suggest_events",
                                        kwargs={"claim_id": claim.pk}).exists()
    assert [s.event_id for s in claim_suggest_events(claim_id=claim.pk)] == [event.pk]
    assert claim_suggest_events(claim_id=claim.pk) == []  # idempotent


def test_confirming_links_the_claim_and_rejecting_never_suggests_again(
        adjuster, cyber_policy, holder_user):
    first = report(cyber_policy, holder_user, code="ransomware", days_ago=1)
    second = report(cyber_policy, holder_user, code="ransomware", days_ago=1,
                    description="Another machine encrypted in the branch office.")
    event = declare(adjuster)
    one, two = EventSuggestion.objects.filter(event=event).order_by("claim_id")
    link = suggestion_confirm(suggestion=one, by=adjuster)
    assert link.source == EventClaim.Source.SUGGESTION and link.claim == first
    suggestion_reject(suggestion=two, by=adjuster, reason="A different gang.")
    with pytest.raises(TransitionConflict):
        suggestion_confirm(suggestion=two, by=adjuster)
    assert event_suggest(event=event, by=adjuster) == []
    assert not EventClaim.objects.filter(event=event, claim=second).exists()
    actions = set(AuditEntry.objects.filter(claim_id__in=[first.pk, second.pk]).values_list(
        "action", flat=True))
    assert {"event.suggestion_confirmed", "event.claim_linked",
            "event.suggestion_rejected"} <= actions


def test_changing_the_identifiers_looks_again(adjuster, team_lead):
    policy, user = other_holder_policy("Cloudy KG", team_lead)
    claim = report(policy, user, code="hacking", days_ago=1,
                   description="Our CloudHost servers were down all day.")
    event = declare(adjuster)
    assert not EventSuggestion.objects.filter(event=event).exists()
    event_update(event=event, by=adjuster, providers=["CloudHost"])
    assert EventSuggestion.objects.filter(event=event, claim=claim).exists()
    assert AuditEntry.objects.filter(action="event.changed").count() == 1


def test_closing_ends_the_event_once(adjuster, event):
    closed = event_close(event=event, by=adjuster)
    assert closed.status == "closed" and closed.ends_at is not None
    with pytest.raises(TransitionConflict):
        event_close(event=closed, by=adjuster)
