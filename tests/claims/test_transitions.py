"""The claim's life: every allowed transition, every forbidden one (wrong state: 409, wrong role:
403, the state unchanged) and the audit record each one leaves."""

from __future__ import annotations

import pytest

from claims.exceptions import (
    ClaimValidationError,
    PermissionDeniedError,
    TransitionConflict,
)
from claims.models import TRANSITION_NAMES, Claim, ClaimState
from claims.services import claim_transition
from claims.services.transitions import MONEY_DRIVEN
from config.models import AuditEntry
from tests.factories import ClaimFactory, commission_vendor

S = ClaimState
STATE_FIXTURES = {
    S.REPORTED: "reported_claim",
    S.LIABILITY_CHECK: "claim_in_liability_check",
    S.DENIED: "claim_denied",
    S.DEFENDING: "claim_defending",
    S.MITIGATION: "claim_in_mitigation",
    S.SETTLEMENT: "claim_in_settlement",
    S.SETTLED: "claim_settled",
    S.PAID: "claim_paid",
    S.CLOSED: "claim_closed",
    S.WITHDRAWN: "claim_withdrawn",
    S.REOPENED: "claim_reopened",
}
ALLOWED = {
    S.REPORTED: {"start_liability_check": S.LIABILITY_CHECK, "withdraw": S.WITHDRAWN},
    S.LIABILITY_CHECK: {"deny": S.DENIED, "start_mitigation": S.MITIGATION,
                        "start_settlement": S.SETTLEMENT, "withdraw": S.WITHDRAWN},
    S.MITIGATION: {"start_settlement": S.SETTLEMENT, "withdraw": S.WITHDRAWN},
    S.SETTLEMENT: {"approve_settlement": S.SETTLED},
    S.SETTLED: {"mark_paid": S.PAID},
    S.PAID: {"close": S.CLOSED},
    S.DENIED: {"close": S.CLOSED},
    S.DEFENDING: {"close": S.CLOSED},
    S.CLOSED: {"reopen": S.REOPENED},
    S.WITHDRAWN: {},
    S.REOPENED: {"start_liability_check": S.LIABILITY_CHECK},
}
INPUT = {
    "deny": ("The loss is excluded.", {"denial_reason": "excluded_risk"}),
    "withdraw": ("Found the files again.", {}),
    "reopen": ("A new invoice arrived.", {}),
}

# What a claim in a state carries (the database insists), for claims built by the factory.
STATE_FIELDS = {
    S.DENIED: {"denial_reason": "excluded_risk", "denial_text": "The loss is excluded."},
    S.WITHDRAWN: {"withdrawal_reason": "Found the files again."},
}

pytestmark = pytest.mark.django_db


def _do(claim, name, by):
    if name == "start_mitigation" and not claim.vendor_jobs.exists():
        commission_vendor(claim)
    reason, payload = INPUT.get(name, ("", {}))
    # the state machine itself (money=True: as the money services); they are tested apart
    return claim_transition(
        claim=claim, transition=name, by=by, reason=reason, payload=payload,
        money=name in MONEY_DRIVEN,
    )


def _transitions_of(claim):
    return AuditEntry.objects.filter(claim_id=claim.pk, action="claim.transition").count()


ALLOWED_CASES = [(state, name, target) for state, moves in ALLOWED.items()
                 for name, target in moves.items()]
FORBIDDEN_CASES = [(state, name) for state in ALLOWED for name in TRANSITION_NAMES
                   if name not in ALLOWED[state] and not (state == S.LIABILITY_CHECK
                                                          and name == "defend")]


@pytest.mark.parametrize(("state", "name", "target"), ALLOWED_CASES)
def test_an_adjuster_takes_every_allowed_transition_and_it_is_audited(
    request, adjuster, state, name, target
):
    claim = request.getfixturevalue(STATE_FIXTURES[state])
    assert claim.state == state

    _do(claim, name, adjuster)

    assert Claim.objects.get(pk=claim.pk).state == target
    entry = AuditEntry.objects.filter(claim_id=claim.pk, action="claim.transition").last()
    assert entry.actor == adjuster
    assert (entry.from_value, entry.to_value) == (state, target)
    assert entry.payload["transition"] == name
    assert entry.reason == INPUT.get(name, ("", {}))[0]
    assert entry.object_type == "claims.claim" and entry.object_id == str(claim.pk)


@pytest.mark.parametrize(("state", "name"), FORBIDDEN_CASES)
def test_a_transition_from_the_wrong_state_is_a_409_conflict_and_changes_nothing(
    cyber_policy, holder_user, adjuster, state, name
):
    # the state is built by the factory: the wrong state is refused before anything else counts
    claim = ClaimFactory(policy=cyber_policy, reported_by=holder_user, state=state,
                         **STATE_FIELDS.get(state, {}))
    before = _transitions_of(claim)

    with pytest.raises(TransitionConflict) as caught:
        _do(claim, name, adjuster)

    assert caught.value.status_code == 409
    assert claim.state == state
    assert Claim.objects.get(pk=claim.pk).state == state
    assert _transitions_of(claim) == before


@pytest.mark.parametrize(("state", "name", "target"),
                         [case for case in ALLOWED_CASES if case[1] != "withdraw"])
def test_a_policyholder_cannot_decide_anything_403(request, holder_user, state, name, target):
    claim = request.getfixturevalue(STATE_FIXTURES[state])

    with pytest.raises(PermissionDeniedError) as caught:
        _do(claim, name, holder_user)

    assert caught.value.status_code == 403
    assert Claim.objects.get(pk=claim.pk).state == state


@pytest.mark.parametrize(("state", "name", "target"), ALLOWED_CASES)
def test_a_stranger_can_do_nothing_403(request, stranger, state, name, target):
    claim = request.getfixturevalue(STATE_FIXTURES[state])

    with pytest.raises(PermissionDeniedError):
        _do(claim, name, stranger)

    assert Claim.objects.get(pk=claim.pk).state == state


def test_staff_outside_the_adjusters_group_cannot_decide(reported_claim):
    from tests.factories import UserFactory

    clerk = UserFactory(username="clerk", is_staff=True, is_superuser=True)
    with pytest.raises(PermissionDeniedError):
        _do(reported_claim, "start_liability_check", clerk)


@pytest.mark.parametrize("state", [S.REPORTED, S.LIABILITY_CHECK, S.MITIGATION])
def test_the_policyholder_withdraws_their_own_claim_before_settlement(
    request, holder_user, state
):
    claim = request.getfixturevalue(STATE_FIXTURES[state])

    _do(claim, "withdraw", holder_user)

    claim.refresh_from_db()
    assert claim.state == S.WITHDRAWN
    assert claim.withdrawal_reason == "Found the files again."


@pytest.mark.parametrize("state", [S.SETTLEMENT, S.DEFENDING, S.DENIED])
def test_nobody_withdraws_from_settlement_or_after_a_decision(request, holder_user, state):
    claim = request.getfixturevalue(STATE_FIXTURES[state])
    with pytest.raises(TransitionConflict):
        _do(claim, "withdraw", holder_user)


def test_another_policyholder_cannot_withdraw(reported_claim, stranger):
    with pytest.raises(PermissionDeniedError):
        _do(reported_claim, "withdraw", stranger)


def test_a_third_party_claim_can_be_defended(third_party_claim, adjuster):
    claim_transition(claim=third_party_claim, transition="start_liability_check", by=adjuster)
    claim_transition(claim=third_party_claim, transition="defend", by=adjuster)
    assert Claim.objects.get(pk=third_party_claim.pk).state == S.DEFENDING


def test_an_own_damage_claim_cannot_be_defended(claim_in_liability_check, adjuster):
    with pytest.raises(TransitionConflict, match="third party"):
        claim_transition(claim=claim_in_liability_check, transition="defend", by=adjuster)
    assert Claim.objects.get(pk=claim_in_liability_check.pk).state == S.LIABILITY_CHECK


def test_a_denial_needs_a_reason_from_the_list_and_an_explanation(
    claim_in_liability_check, adjuster
):
    claim = claim_in_liability_check
    with pytest.raises(ClaimValidationError) as no_text:
        claim_transition(claim=claim, transition="deny", by=adjuster,
                         payload={"denial_reason": "fraud"})
    assert "reason" in no_text.value.errors
    with pytest.raises(ClaimValidationError) as bad_reason:
        claim_transition(claim=claim, transition="deny", by=adjuster, reason="No.",
                         payload={"denial_reason": "bad luck"})
    assert "denial_reason" in bad_reason.value.errors
    assert bad_reason.value.status_code == 400
    assert Claim.objects.get(pk=claim.pk).state == S.LIABILITY_CHECK

    claim_transition(claim=claim, transition="deny", by=adjuster,
                     reason="Ransom payments are excluded here.",
                     payload={"denial_reason": "excluded_risk"})
    claim.refresh_from_db()
    assert (claim.state, claim.denial_reason) == (S.DENIED, "excluded_risk")
    assert claim.denial_text == "Ransom payments are excluded here."


@pytest.mark.parametrize("name", ["withdraw", "reopen"])
def test_withdrawal_and_reopening_need_a_reason(request, adjuster, name):
    claim = request.getfixturevalue("reported_claim" if name == "withdraw" else "claim_closed")
    state = claim.state
    with pytest.raises(ClaimValidationError):
        claim_transition(claim=claim, transition=name, by=adjuster, reason="  ")
    assert Claim.objects.get(pk=claim.pk).state == state


def test_an_unknown_transition_is_refused(reported_claim, adjuster):
    with pytest.raises(ClaimValidationError):
        claim_transition(claim=reported_claim, transition="delete", by=adjuster)


def test_a_stale_claim_object_gets_a_409_and_is_refreshed(reported_claim, adjuster):
    stale = Claim.objects.get(pk=reported_claim.pk)
    claim_transition(claim=reported_claim, transition="start_liability_check", by=adjuster)

    with pytest.raises(TransitionConflict, match="someone else"):
        claim_transition(claim=stale, transition="withdraw", by=adjuster, reason="x")

    assert stale.state == S.LIABILITY_CHECK
    assert Claim.objects.get(pk=stale.pk).state == S.LIABILITY_CHECK


def test_the_whole_life_leaves_an_ordered_audit_trail(claim_closed, adjuster):
    steps = list(
        AuditEntry.objects.filter(claim_id=claim_closed.pk, action="claim.transition")
        .order_by("id").values_list("from_value", "to_value")
    )
    assert steps == [
        ("reported", "liability_check"), ("liability_check", "mitigation"),
        ("mitigation", "settlement"), ("settlement", "settled"), ("settled", "paid"),
        ("paid", "closed"),
    ]


def test_the_state_cannot_be_set_directly(reported_claim):
    with pytest.raises(AttributeError):
        reported_claim.state = S.PAID


def test_audit_entries_cannot_be_changed(claim_in_liability_check):
    entry = AuditEntry.objects.filter(claim_id=claim_in_liability_check.pk).first()
    with pytest.raises(ValueError):
        entry.save()


def test_the_policyholder_is_told_about_a_denial(claim_in_liability_check, adjuster, mailoutbox,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _do(claim_in_liability_check, "deny", adjuster)
    assert any("decision" in mail.subject and "excluded" in mail.body.lower()
               for mail in mailoutbox)


@pytest.mark.parametrize(
    ("name", "fixture"),
    [("approve_settlement", "claim_in_settlement"), ("mark_paid", "claim_settled")],
)
def test_settled_and_paid_follow_the_money_and_cannot_be_taken_directly(
    name, fixture, request, adjuster
):
    claim = request.getfixturevalue(fixture)
    before = claim.state
    with pytest.raises(TransitionConflict, match="follows the money"):
        claim_transition(claim=claim, transition=name, by=adjuster)
    claim.refresh_from_db()
    assert claim.state == before



def test_the_vendors_and_money_apps_add_their_rules_to_every_claim_transition():
    from claims.services.transition_rules import transition_rules

    assert [rule.name for rule in transition_rules()] == ["vendors", "money"]
