"""Changes to a claim's facts that are not transitions: assignment, corrections, duplicates."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import FINAL_STATES, Claim, ClaimState
from claims.services.coverage_check import run_coverage_check
from claims.services.tx import business_action
from config.audit import audit_record
from coverage.money import money

EDITABLE = {
    "description", "estimated_amount", "emergency", "claimant_name", "claimant_email",
    "claimant_address", "loss_date", "loss_type",
}
BEFORE_DECISION = {ClaimState.REPORTED, ClaimState.LIABILITY_CHECK, ClaimState.REOPENED}


def _require_adjuster(user, what: str) -> None:
    if not roles.is_adjuster(user):
        raise PermissionDeniedError(_("Only adjusters %(what)s.") % {"what": what})


def _saved(claim: Claim, fields: list[str]) -> None:
    try:
        claim.save(update_fields=[*fields, "updated_at"])
    except ConcurrentTransition as error:
        raise TransitionConflict(
            _("The claim was changed by someone else meanwhile; reload it and try again.")
        ) from error


def claim_assign(*, claim: Claim, adjuster, by) -> Claim:
    """Give the claim to ``adjuster`` (None: back to the unassigned queue)."""
    _require_adjuster(by, _("assign claims"))
    if adjuster is not None and not roles.is_adjuster(adjuster):
        raise ClaimValidationError({"assigned_adjuster": _("Assign the claim to an adjuster.")})
    before = claim.assigned_adjuster
    if before == adjuster:
        return claim
    with business_action():
        claim.assigned_adjuster = adjuster
        _saved(claim, ["assigned_adjuster"])
        audit_record(
            actor=by, action="claim.assigned", obj=claim,
            from_value=before.get_username() if before else "",
            to_value=adjuster.get_username() if adjuster else "", claim_id=claim.pk,
        )
    return claim


def claim_update_validate(claim: Claim, changes: dict) -> dict:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ClaimValidationError(dict.fromkeys(unknown, _("This field cannot be changed here.")))
    if "estimated_amount" in changes and changes["estimated_amount"] is not None:
        changes["estimated_amount"] = money(changes["estimated_amount"])
        if changes["estimated_amount"] < Decimal("0"):
            raise ClaimValidationError({"estimated_amount": _("Cannot be negative.")})
    facts = {"loss_date", "loss_type"} & set(changes)
    if facts and claim.state not in BEFORE_DECISION:
        raise TransitionConflict(_("Loss date and loss type can only change before the decision."))
    if "loss_date" in changes and changes["loss_date"] > timezone.localdate():
        raise ClaimValidationError({"loss_date": _("The loss date cannot be in the future.")})
    loss_type = changes.get("loss_type", claim.loss_type)
    name = changes.get("claimant_name", claim.claimant_name)
    if loss_type.third_party and not name.strip():
        raise ClaimValidationError({"claimant_name": _("Name the third party who claims.")})
    return changes


def claim_update(*, claim: Claim, by, changes: dict) -> Claim:
    """Correct the claim's facts; a changed loss date or type re-runs the coverage check."""
    _require_adjuster(by, _("change claims"))
    if claim.state in FINAL_STATES:
        raise TransitionConflict(_("The claim is closed; reopen it first."))
    changes = claim_update_validate(claim, dict(changes))
    before = {name: getattr(claim, name) for name in changes}
    changed = {name: value for name, value in changes.items() if before[name] != value}
    if not changed:
        return claim
    try:
        with business_action():
            for name, value in changed.items():
                setattr(claim, name, value)
            _saved(claim, list(changed))
            audit_record(
                actor=by, action="claim.updated", obj=claim, reason=", ".join(sorted(changed)),
                payload={name: [str(before[name]), str(value)] for name, value in changed.items()},
                claim_id=claim.pk,
            )
            if {"loss_date", "loss_type"} & set(changed) and claim.coverage_checked_at:
                run_coverage_check(claim=claim, by=by, now=timezone.now())
    except BaseException:
        claim.refresh_from_db()
        raise
    return claim


def claim_duplicate_resolve(*, claim: Claim, is_duplicate: bool, by) -> Claim:
    """The adjuster confirms or dismisses the duplicate flag. Nothing is merged: a confirmed
    duplicate keeps its own record and is then withdrawn or denied as usual."""
    _require_adjuster(by, _("review duplicates"))
    if claim.possible_duplicate_of_id is None:
        raise ClaimValidationError(_("This claim is not flagged as a possible duplicate."))
    with business_action():
        claim.duplicate_of = claim.possible_duplicate_of if is_duplicate else None
        claim.duplicate_reviewed_at = timezone.now()
        claim.duplicate_reviewed_by = by
        _saved(claim, ["duplicate_of", "duplicate_reviewed_at", "duplicate_reviewed_by"])
        audit_record(
            actor=by, action="claim.duplicate_reviewed", obj=claim,
            to_value="duplicate" if is_duplicate else "not a duplicate",
            payload={"possible_duplicate_of": claim.possible_duplicate_of.number},
            claim_id=claim.pk,
        )
    return claim
