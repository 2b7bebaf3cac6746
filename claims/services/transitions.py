"""Moving a claim through its life. Whichever door is used (admin, portal, API, task), a transition
goes through ``claim_transition``: state and role checked, saved with optimistic locking, audited,
coverage check and activities run, in one transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone
from django_fsm import ConcurrentTransition, can_proceed

from claims import notifications
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import TRANSITION_NAMES, Claim, ClaimState, DenialReason
from claims.services.activities import activities_open_for_state
from claims.services.coverage_check import run_coverage_check
from claims.services.tx import business_action
from claims.vendors.rules import claim_jobs_cancel
from claims.vendors.rules import claim_transition_check as vendor_jobs_check
from config.audit import audit_record

REASON_REQUIRED = {"deny", "withdraw", "reopen"}
# Claim states that follow the money: only the money services take these transitions.
MONEY_DRIVEN = {"approve_settlement", "mark_paid"}
_money_driven: ContextVar[bool] = ContextVar("claims_money_driven", default=False)


@contextmanager
def money_driven() -> Iterator[None]:
    """The money services (settlement approval, payments) move the claim inside this block."""
    token = _money_driven.set(True)
    try:
        yield
    finally:
        _money_driven.reset(token)
CONDITION_MESSAGES = {"defend": "Only a third party's claim against the insured can be defended."}


def transition_label(name: str) -> str:
    method = getattr(Claim, name)
    transitions = method._django_fsm.transitions
    first = next(iter(transitions.values()))
    return first.custom.get("label", name)


def _method(claim: Claim, transition: str):
    if transition not in TRANSITION_NAMES:
        raise ClaimValidationError({"transition": f"Unknown transition {transition!r}."})
    return getattr(claim, transition)


def _check(claim: Claim, transition: str, method, by) -> None:
    label = transition_label(transition)
    state = ClaimState(claim.state).label.lower()
    if not can_proceed(method, check_conditions=False):
        raise TransitionConflict(f"'{label}' is not possible: the claim is {state}.")
    meta = method._django_fsm
    if not meta.has_transition_perm(claim, claim.state, by):
        raise PermissionDeniedError(f"You are not allowed to '{label}' this claim.")
    if not can_proceed(method):
        raise TransitionConflict(
            CONDITION_MESSAGES.get(transition, f"'{label}' is not possible for this claim.")
        )


def _inputs(transition: str, reason: str, payload: dict) -> dict:
    """Validate what the transition needs; return the claim fields to set with it."""
    if transition in REASON_REQUIRED and not reason.strip():
        raise ClaimValidationError({"reason": "A reason is required."})
    if transition == "deny":
        denial_reason = payload.get("denial_reason", "")
        if denial_reason not in DenialReason.values:
            raise ClaimValidationError(
                {"denial_reason": "Choose a denial reason from the list."}
            )
        return {"denial_reason": denial_reason, "denial_text": reason.strip()}
    if transition == "withdraw":
        return {"withdrawal_reason": reason.strip()}
    return {}


def claim_transition(
    *, claim: Claim, transition: str, by, reason: str = "", payload: dict | None = None
) -> Claim:
    """Apply ``transition`` (a method name of ``Claim``) as ``by``.

    Raises TransitionConflict (409) for a wrong state or a concurrent change,
    PermissionDeniedError (403) for a wrong role, ClaimValidationError (400) for missing input;
    the claim's state is then unchanged.
    """
    payload = dict(payload or {})
    method = _method(claim, transition)
    _check(claim, transition, method, by)
    if transition in MONEY_DRIVEN and not _money_driven.get():
        raise TransitionConflict(
            f"'{transition_label(transition)}' follows the money: approve the claim's settlement "
            "(the payments then move it on) instead."
        )
    vendor_jobs_check(claim=claim, transition=transition)
    fields = _inputs(transition, reason, payload)
    from_state = claim.state
    now = timezone.now()
    try:
        with business_action():
            method()
            for name, value in fields.items():
                setattr(claim, name, value)
            claim.save(update_fields=["state", "updated_at", *fields])
            audit_record(
                actor=by, action="claim.transition", obj=claim, from_value=from_state,
                to_value=claim.state, reason=reason.strip(),
                payload={"transition": transition, **payload}, claim_id=claim.pk,
            )
            if claim.state == ClaimState.LIABILITY_CHECK:
                run_coverage_check(claim=claim, by=by, now=now)
            claim_jobs_cancel(claim=claim, transition=transition, by=by)
            activities_open_for_state(claim=claim, now=now)
            notifications.claim_state_changed(claim=claim, source=from_state, target=claim.state)
    except ConcurrentTransition as error:
        claim.refresh_from_db()
        raise TransitionConflict(
            "The claim was changed by someone else meanwhile; reload it and try again."
        ) from error
    except BaseException:
        claim.refresh_from_db()
        raise
    return claim
