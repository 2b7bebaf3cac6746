"""Moving a claim through its life. Whichever door is used (admin, portal, API, task, the money
services), a transition goes through ``claim_transition``: state and role checked, saved with
optimistic locking, audited, coverage check and activities run, in one transaction. It is the one
place that changes a claim's state (as django-oscar's ``set_status``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm import ConcurrentTransition

from claims import notifications
from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.models import TRANSITION_NAMES, ActivityTemplate, Claim, ClaimState, DenialReason
from claims.services import fsm
from claims.services.activities import activities_open_for_state, activity_templates_send
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


@dataclass(frozen=True)
class ReadAhead:
    """What a transition reads that its caller may read before taking its locks, with its other
    reads: the activity templates of the state the claim moves to (``state``) and the
    policyholder's language (neither depends on the money the locks guard)."""

    state: str
    templates: list[ActivityTemplate]
    holder_language: str


def read_ahead_send(*, claim_id: int, state: str, now: datetime) -> Callable[[], ReadAhead]:
    """The reads of ``ReadAhead`` for a move of claim ``claim_id`` to ``state`` at ``now``, sent
    now (``config.statements.pipeline``); the function returned gives them."""
    templates = activity_templates_send(state=state, now=now)
    language = notifications.holder_language_send(claim_id=claim_id)
    return lambda: ReadAhead(state=str(state), templates=templates(),
                             holder_language=language())


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
    rows: RowBatch | None = None, read_ahead: ReadAhead | None = None,
) -> Claim:
    """Apply ``transition`` (a method name of ``Claim``) as ``by``.

    ``money=True``: the money services move the claim to settled or paid (the transitions that
    follow the money, refused to every other door); ``by`` may then be None (the system, e.g. the
    last payment). ``composed=True``: a step of the
    caller's transaction (the money services run it on the claim they locked); ``rows``: the
    claim's new state, the audit row, the activities and the email are written with the caller's
    batch of rows (only for a caller that holds the claim's row lock, so its state read under the
    lock is still the database's).
    ``read_ahead``: the templates and the policyholder's language, read by the caller
    (``read_ahead_send``; its templates are used when the claim moved to their state).

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
            templates = (read_ahead.templates if read_ahead is not None
                         and read_ahead.state == claim.state else None)
            activities_open_for_state(claim=claim, now=now, rows=rows, templates=templates)
            if rows is not None:
                # The claim's next due time follows its activities (the triggers of migration
                # 0007): written with the claim's new state, the database computes it in the
                # same update (its BEFORE trigger), from the activities the batch writes, so
                # that the activities' trigger finds it current and the claim's row, with its
                # many indexes, is not written a second time.
                rows.save(claim, ["next_due_at"])
            notifications.claim_state_changed(
                claim=claim, source=from_state, target=claim.state, rows=rows,
                language=read_ahead.holder_language if read_ahead is not None else None)
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
