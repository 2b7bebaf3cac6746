"""The coverage check: policy in force on the loss date, a section whose module covers the loss
type, the insurance year of the loss. Runs on entry to the liability check; the result is stored
on the claim and shown to the adjuster."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition

from claims import conf, roles
from claims.exceptions import PermissionDeniedError, TransitionConflict
from claims.models import FINAL_STATES, Claim, ClaimSection, InformationRequest
from claims.selectors import account_for, covering_sections
from claims.services.information import information_request_open
from claims.services.tx import business_action
from config.audit import audit_record
from policies.selectors import NoCover, cover_for_loss

COVERAGE_FIELDS = [
    "coverage_covered", "coverage_code", "coverage_message", "coverage_section",
    "coverage_account", "coverage_insurance_year", "coverage_checked_at",
]


def run_coverage_check(*, claim: Claim, by, now: datetime) -> None:
    """Check, store the result and the sections on the claim, audit it; ask for the IT-security
    proof where the discount applies. Runs inside the caller's transaction."""
    try:
        cover = cover_for_loss(policy=claim.policy, loss_date=claim.loss_date,
                               loss_type=claim.loss_type)
    except NoCover as no_cover:
        cover = None
        claim.coverage_covered = False
        claim.coverage_code = no_cover.code
        claim.coverage_message = getattr(no_cover, "message", "") or str(no_cover)
        claim.coverage_section = claim.coverage_account = claim.coverage_insurance_year = None
    else:
        section = cover.section
        claim.coverage_covered = True
        claim.coverage_code = "covered"
        claim.coverage_section = section
        claim.coverage_account = cover.account
        claim.coverage_insurance_year = cover.insurance_year
        claim.coverage_message = (
            f"Covered under {section.module.name}, insurance year {cover.insurance_year} "
            f"({cover.account.starts_on:%d.%m.%Y} to "
            f"{cover.account.ends_on - timedelta(days=1):%d.%m.%Y}): sum insured "
            f"{section.sum_insured:,.2f} EUR per loss, deductible {section.deductible:,.2f} EUR, "
            f"{cover.account.remaining:,.2f} EUR of the annual aggregate left."
        )
    claim.coverage_checked_at = now
    claim.save(update_fields=COVERAGE_FIELDS)
    _store_sections(claim=claim, cover=cover)
    audit_record(
        actor=by, action="claim.coverage_checked", obj=claim,
        to_value="covered" if claim.coverage_covered else claim.coverage_code,
        reason=claim.coverage_message,
        payload={
            "code": claim.coverage_code,
            "section": claim.coverage_section.module.code if claim.coverage_section else None,
            "insurance_year": claim.coverage_insurance_year,
        },
        claim_id=claim.pk,
    )
    if cover is not None and _it_security_proof_relevant(claim=claim, cover=cover):
        _ask_for_it_security_proof(claim=claim, by=by, now=now)


def _store_sections(*, claim: Claim, cover) -> None:
    ClaimSection.objects.filter(claim=claim).delete()
    if cover is None:
        return
    ClaimSection.objects.create(
        claim=claim, section=cover.section, account=cover.account, is_primary=True
    )
    for section in covering_sections(policy=claim.policy, loss_type=claim.loss_type).exclude(
        pk=cover.section.pk
    ):
        ClaimSection.objects.create(
            claim=claim, section=section,
            account=account_for(section=section, loss_date=claim.loss_date),
        )


def _it_security_proof_relevant(*, claim: Claim, cover) -> bool:
    """The discount was granted for the insurance year of the loss, the loss type is one the
    certified security could have prevented (catalogue: ``security_relevant``), and the proof
    was not asked for yet."""
    policy = claim.policy
    if not policy.it_security_discount or not claim.loss_type.security_relevant:
        return False
    if cover.insurance_year > policy.product.it_security_discount_years:
        return False
    return not claim.information_requests.filter(
        kind=InformationRequest.Kind.IT_SECURITY_PROOF
    ).exclude(status=InformationRequest.Status.CANCELLED).exists()


def _ask_for_it_security_proof(*, claim: Claim, by, now: datetime) -> None:
    policy = claim.policy
    criterion = policy.get_it_security_criterion_display() or "the IT-security criterion"
    information_request_open(
        claim=claim,
        kind=InformationRequest.Kind.IT_SECURITY_PROOF,
        question=(
            f"Your policy {policy.number} was granted the IT-security discount for: {criterion}. "
            "Please send us the proof that it was met on the loss date: the certificate "
            "(ISO 27001, ISMS such as VdS 10000, or ISIS12), or the pentest report of the last "
            "2 years with evidence that all critical findings were fixed."
        ),
        due_date=timezone.localdate(now) + timedelta(days=conf.it_security_proof_days()),
        requested_by=by,
    )


def claim_coverage_check(*, claim: Claim, by) -> Claim:
    """Run the coverage check again (e.g. after the policy was corrected)."""
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters run the coverage check."))
    if claim.state in FINAL_STATES:
        raise TransitionConflict(_("The claim is closed; reopen it first."))
    try:
        with business_action():
            run_coverage_check(claim=claim, by=by, now=timezone.now())
    except ConcurrentTransition as error:
        claim.refresh_from_db()
        raise TransitionConflict(_("The claim was changed by someone else; reload it.")) from error
    return claim
