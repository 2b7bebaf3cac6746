"""Moving a claim through its life. Whichever door is used (admin, portal, API, task, the money
services), a transition goes through ``claim_transition``: state and role checked, saved with
optimistic locking, audited, coverage check and activities run, in one transaction. It is the one
place that changes a claim's state (as django-oscar's ``set_status``)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from claims import notifications
from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.models import TRANSITION_NAMES, Claim, ClaimState, DenialReason
from claims.services import fsm
from claims.services.activities import activities_open_for_state
from claims.services.coverage_check import run_coverage_check
from claims.services.transition_rules import transition_rules
from claims.services.tx import business_action
from config.audit import audit_record
from config.rows import RowBatch

REASON_REQUIRED = {"deny", "withdraw", "reopen"}
# Claim states that follow the money: only the money services take these transitions (they say
# so with ``money=True``).
MONEY_DRIVEN = {
    "approve_settlement", "mark_paid", "payment_reversed", "payment_reissued",
}
CONDITION_MESSAGES = {
    "defend": gettext_lazy("Only a third party's claim against the insured can be defended."),
}


def transition_label(name: str) -> str:
    return fsm.transition_label(Claim, name)


def _method(claim: Claim, transition: str, *, money: bool = False):
    """The transition method; the money-only ones (a payment voided or re-issued) exist for the
    money services alone."""
    if transition not in TRANSITION_NAMES and not (money and transition in MONEY_DRIVEN):
        raise ClaimValidationError({"transition": _("Unknown transition %(transition)s.") % {
                                                      "transition": repr(transition)}})
    return getattr(claim, transition)


def _inputs(transition: str, reason: str, payload: dict) -> dict:
    """Validate what the transition needs; return the claim fields to set with it."""
    if transition in REASON_REQUIRED and not reason.strip():
        raise ClaimValidationError({"reason": _("A reason is required.")})
    if transition == "deny":
        denial_reason = payload.get("denial_reason", "")
        if denial_reason not in DenialReason.values:
            raise ClaimValidationError(
                {"denial_reason": _("Choose a denial reason from the list.")}
            )
        return {"denial_reason": denial_reason, "denial_text": reason.strip()}
    if transition == "withdraw":
        return {"withdrawal_reason": reason.strip()}
    return {}


def claim_transition(
    *, claim: Claim, transition: str, by, reason: str = "", payload: dict | None = None,
    money: bool = False, composed: bool = False, now: datetime | None = None,
    rows: RowBatch | None = None,
) -> Claim:
    """Apply ``transition`` (a method name of ``Claim``) as ``by``.

    ``money=True``: the money services move the claim to settled or paid (the transitions that
    follow the money, refused to every other door); ``by`` may then be None (the system, e.g. the
    last payment). ``composed=True``: a step of the
    caller's transaction (the money services run it on the claim they locked); ``rows``: the
    claim's new state, the audit row, the activities and the email are written with the caller's
    batch of rows (only for a caller that holds the claim's row lock, so its state read under the
    lock is still the database's).

    Raises TransitionConflict (409) for a wrong state or a concurrent change,
    PermissionDeniedError (403) for a wrong role, ClaimValidationError (400) for missing input;
    the claim's state is then unchanged.
    """
    payload = dict(payload or {})
    method = _method(claim, transition, money=money)
    # the money services' own move (e.g. the last payment) has no actor whose role to check
    fsm.transition_check(claim, transition, by, noun="claim",
                         condition_messages=CONDITION_MESSAGES, system=money and by is None)
    if transition in MONEY_DRIVEN and not money:
        raise TransitionConflict(
            _("'%(action)s' follows the money: approve the claim's settlement (the payments then "
              "move it on) instead.") % {"action": transition_label(transition)}
        )
    rules = transition_rules()  # the other apps' rules (vendors, money), see transition_rules
    for rule in rules:
        if rule.check is not None:
            rule.check(claim=claim, transition=transition)
    fields = _inputs(transition, reason, payload)
    from_state = claim.state
    now = now or timezone.now()
    if transition in ("close", "reopen"):
        fields["closed_at"] = now if transition == "close" else None
    try:
        with business_action(composed=composed):
            method()
            for name, value in fields.items():
                setattr(claim, name, value)
            if rows is not None:  # the caller holds the claim's row lock: nobody moved it
                rows.save(claim, ["state", "updated_at", *fields])
                claim._update_initial_state()  # as save() does (django-fsm's concurrency check)
            else:
                claim.save(update_fields=["state", "updated_at", *fields])
            audit_record(
                actor=by, action="claim.transition", obj=claim, from_value=from_state,
                to_value=claim.state, reason=reason.strip(),
                payload={"transition": transition, **payload}, claim_id=claim.pk, rows=rows,
            )
            if claim.state == ClaimState.LIABILITY_CHECK:
                run_coverage_check(claim=claim, by=by, now=now)
            for rule in rules:
                if rule.apply is not None:
                    rule.apply(claim=claim, transition=transition, by=by, now=now)
            activities_open_for_state(claim=claim, now=now, rows=rows)
            notifications.claim_state_changed(claim=claim, source=from_state, target=claim.state,
                                              rows=rows)
    except ConcurrentTransition as error:
        if not composed:
            claim.refresh_from_db()
        raise TransitionConflict(
            _("The claim was changed by someone else meanwhile; reload it and try again.")
        ) from error
    except BaseException:
        if not composed:  # a composed step's transaction is the caller's to roll back
            claim.refresh_from_db()
        raise
    return claim
