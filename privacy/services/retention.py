"""Retention: pseudonymise what is past its period (the beat task), and legal holds that stop it."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import Claim
from claims.services.tx import business_action
from config.audit import audit_record
from policies.models import Policyholder
from privacy import roles
from privacy.models import LegalHold, Pseudonymisation, RetentionRule
from privacy.selectors import (
    Retention,
    claim_retention,
    claims_due,
    policyholder_kept_until,
    rules,
)

from .pseudonymise import claim_scrub, policyholder_scrub, pseudonymising


def _claim_pseudonymise(*, retention: Retention, today: date, by, erasure_request=None
                        ) -> Pseudonymisation:
    """Pseudonymise one claim; inside the caller's transaction. Re-checks the hold under a lock."""
    claim = Claim.objects.select_for_update().get(pk=retention.claim.pk)
    # Judged again under the lock: reopened, held or done meanwhile means not now.
    locked = claim_retention(claim)
    if locked.hold is not None:
        raise TransitionConflict(_("Claim %(claim)s is under a legal hold.") % {
                                     "claim": claim.number})
    if not locked.due(today):
        raise TransitionConflict(_("Claim %(claim)s is not past its retention period.") % {
                                     "claim": claim.number})
    with pseudonymising():
        summary = claim_scrub(claim)
    record = Pseudonymisation.objects.create(
        claim=claim, done_by=by, rule=retention.rule, retention_ended_on=retention.kept_until,
        erasure_request=erasure_request, summary=summary,
    )
    audit_record(actor=by, action="privacy.claim_pseudonymised", obj=claim,
                 to_value="pseudonymised", claim_id=claim.pk,
                 payload={"rule": retention.rule.applies_to if retention.rule else "",
                          "retention_ended_on": retention.kept_until, "changed": summary})
    return record


def _policyholder_pseudonymise(*, holder: Policyholder, by, kept_until: date | None,
                               erasure_request=None) -> Pseudonymisation:
    holder = Policyholder.objects.select_for_update().get(pk=holder.pk)
    with pseudonymising():
        summary = policyholder_scrub(holder)
    record = Pseudonymisation.objects.create(
        policyholder=holder, done_by=by, retention_ended_on=kept_until,
        rule=RetentionRule.objects.filter(
            applies_to=RetentionRule.AppliesTo.ENDED_POLICY).first(),
        erasure_request=erasure_request, summary=summary,
    )
    audit_record(actor=by, action="privacy.policyholder_pseudonymised", obj=holder,
                 to_value="pseudonymised", payload={"changed": summary})
    return record


def policyholder_erasable(holder: Policyholder, *, today: date) -> tuple[bool, str]:
    """May the policyholder's own record go? Only when every claim is pseudonymised and the
    last policy ended longer ago than the rule's period."""
    if Pseudonymisation.objects.filter(policyholder=holder).exists():
        return False, _("already pseudonymised")
    if Claim.objects.filter(policy__policyholder=holder, pseudonymisation__isnull=True).exists():
        return False, _("claims are still kept")
    kept_until = policyholder_kept_until(holder)
    if kept_until is None:
        return False, _("a policy is still running")
    if kept_until > today:
        return False, _("kept until %(date)s") % {"date": f"{kept_until:%d.%m.%Y}"}
    return True, ""


def retention_sweep(*, today: date | None = None) -> dict[str, int]:
    """Beat task: pseudonymise each claim past its retention period (no hold), then the
    policyholders nothing is kept for any more. One transaction per claim; idempotent."""
    today = today or timezone.localdate()
    done = {"claims": 0, "policyholders": 0}
    for retention in claims_due(today=today):
        try:
            with business_action():
                _claim_pseudonymise(retention=retention, today=today, by=None)
        except (TransitionConflict, IntegrityError):
            continue  # a hold was placed or another run did it meanwhile
        done["claims"] += 1
    kept_claims = Claim.objects.filter(policy__policyholder=OuterRef("pk"),
                                       pseudonymisation__isnull=True)
    candidates = Policyholder.objects.filter(pseudonymisation__isnull=True).exclude(
        policies__status="active").exclude(Exists(kept_claims)).prefetch_related(
        "policies").order_by("pk")
    for holder in candidates:
        erasable, _why = policyholder_erasable(holder, today=today)
        if not erasable:
            continue
        with business_action():
            _policyholder_pseudonymise(holder=holder, by=None,
                                       kept_until=policyholder_kept_until(holder))
        done["policyholders"] += 1
    return done


def claim_pseudonymise_if_due(*, claim: Claim, by, today: date, erasure_request=None
                              ) -> tuple[bool, Retention]:
    """For erasure requests: pseudonymise ``claim`` now if it is due; inside the caller's
    transaction."""
    retention = claim_retention(claim, rule_map=rules())
    if not retention.due(today):
        return False, retention
    _claim_pseudonymise(retention=retention, today=today, by=by,
                        erasure_request=erasure_request)
    return True, retention


# --- legal holds --------------------------------------------------------------------------------


def legal_hold_place(*, claim: Claim, reason: str, by) -> LegalHold:
    if not roles.may_hold(by):
        raise PermissionDeniedError(_("Only adjusters and data-protection administrators place "
                                      "legal holds."))
    if not (reason or "").strip():
        raise ClaimValidationError({"reason": _("Say why the claim is held (e.g. the lawsuit).")})
    with business_action():
        Claim.objects.select_for_update().get(pk=claim.pk)
        if hasattr(claim, "pseudonymisation") or Pseudonymisation.objects.filter(
                claim=claim).exists():
            raise TransitionConflict(_("Claim %(claim)s is already pseudonymised.") % {
                                         "claim": claim.number})
        if LegalHold.objects.filter(claim=claim, released_at__isnull=True).exists():
            raise TransitionConflict(_("Claim %(claim)s is already under a legal hold.") % {
                                         "claim": claim.number})
        hold = LegalHold.objects.create(claim=claim, reason=reason.strip(), placed_by=by)
        audit_record(actor=by, action="privacy.legal_hold_placed", obj=hold, to_value="active",
                     reason=hold.reason, claim_id=claim.pk)
    return hold


def legal_hold_release(*, hold: LegalHold, reason: str, by) -> LegalHold:
    if not roles.may_hold(by):
        raise PermissionDeniedError(_("Only adjusters and data-protection administrators "
                                      "release legal holds."))
    if not (reason or "").strip():
        raise ClaimValidationError({"reason": _("Say why the hold ends (e.g. the judgment).")})
    with business_action():
        locked = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if not locked.is_active:
            raise TransitionConflict(_("This legal hold has already been released."))
        locked.released_at = timezone.now()
        locked.released_by = by
        locked.release_reason = reason.strip()
        locked.save(update_fields=["released_at", "released_by", "release_reason"])
        audit_record(actor=by, action="privacy.legal_hold_released", obj=locked,
                     from_value="active", to_value="released", reason=locked.release_reason,
                     claim_id=locked.claim_id)
    return locked
