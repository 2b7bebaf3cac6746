"""What the adjuster decides on a vendor job: approve the quote (prior consent), approve an
invoice above the tolerance, accept the invoice for payment (a cost line on the claim), cancel."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError
from claims.money.services import cost_line_add
from claims.services.tx import business_action
from coverage.models import ModuleCostCategory
from language.money import format_amount

from ..models import JobState, VendorJob
from .common import (
    check_transition,
    job_action,
    notify_policyholder,
    notify_vendor,
)
from .vendor_actions import _amount


def vendor_job_approve_quote(
    *, job: VendorJob, by, approved_estimate: Decimal | None = None
) -> VendorJob:
    """Consent to the quoted work, at the quoted estimate or a lower/other approved amount."""
    check_transition(job, "approve_quote", by)
    amount = job.estimate if approved_estimate is None else _amount(
        approved_estimate, "approved_estimate")
    with job_action(job=job, transition="approve_quote", by=by,
                    payload={"approved_estimate": amount}):
        job.approved_estimate = amount
        job.approved_by = by
        job.approved_at = timezone.now()
        notify_vendor(job, lambda: _("quote approved"),
                      lambda: _("Your quote was approved at %(amount)s: you may start the work.\n")
                      % {"amount": format_amount(amount)})
    return job


def vendor_job_approve_overrun(*, job: VendorJob, reason: str, by, composed: bool = False
                               ) -> VendorJob:
    """Accept an invoice that exceeds the estimate by more than the tolerance, with a reason."""
    check_transition(job, "approve_overrun", by)
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Give the reason you accept the higher invoice.")})
    with job_action(job=job, transition="approve_overrun", by=by, reason=reason.strip(),
                    payload={"invoice_amount": job.invoice_amount,
                             "limit": job.invoice_limit}, composed=composed):
        job.overrun_reason = reason.strip()
        job.overrun_approved_by = by
        job.overrun_approved_at = timezone.now()
    return job


def vendor_job_accept_for_payment(*, job: VendorJob, by, composed: bool = False) -> VendorJob:
    """Accept the invoice: it becomes a cost line on the claim, payable to the vendor, in the
    cost category of the job's service; both in one transaction."""
    check_transition(job, "accept_for_payment", by)
    with job_action(
        job=job, transition="accept_for_payment", by=by, composed=composed
    ) as details:
        cost_line = cost_line_add(
            claim=job.claim, category=job.service.cost_category, amount=job.invoice_amount,
            payee_kind="vendor", by=by, vendor=job.organisation, source="vendor_invoice",
            source_job=job, section=_section_paying(job), composed=True,
        )
        job.cost_line_ref = cost_line.pk
        job.accepted_for_payment_by = by
        job.accepted_for_payment_at = timezone.now()
        details.update(cost_line=cost_line.pk, amount=job.invoice_amount,
                       category=job.service.cost_category.code)
        notify_vendor(job, lambda: _("invoice accepted for payment"),
                      lambda: _("Your invoice of %(amount)s was accepted for payment.\n")
                      % {"amount": format_amount(job.invoice_amount)})
    return job


def _section_paying(job: VendorJob):
    """The claim's section that pays the service's cost category: the coverage check's choice
    if it does, else another section the claim is handled under; None lets the money service
    decide (and explain)."""
    claim = job.claim
    sections = [claim.coverage_section] if claim.coverage_section_id else []
    sections += [row.section for row in claim.claim_sections.select_related("section__module")]
    for section in sections:
        if ModuleCostCategory.objects.filter(module=section.module,
                                             category=job.service.cost_category).exists():
            return section
    return None


def vendor_job_cancel(*, job: VendorJob, reason: str, by) -> VendorJob:
    check_transition(job, "cancel", by)
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Give the reason for cancelling the job.")})
    with job_action(job=job, transition="cancel", by=by, reason=reason.strip()):
        job.cancel_reason = reason.strip()
        job.closed_at = timezone.now()
        notify_vendor(job, lambda: _("job cancelled"),
                      lambda: _("The job was cancelled: %(reason)s\n") % {
                          "reason": job.cancel_reason})
        notify_policyholder(job, lambda: _("%(service)s cancelled") % {"service": job.service},
                            lambda: _("The %(service)s job by %(vendor)s was cancelled.\n") % {
                                "service": job.service, "vendor": job.organisation})
    return job


def vendor_job_reject_quote(*, job: VendorJob, reason: str, by) -> VendorJob:
    """No consent to the quote: the vendor is told why and may send a new one."""
    check_transition(job, "reject_quote", by)
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Give the reason the quote is rejected.")})
    with job_action(job=job, transition="reject_quote", by=by, reason=reason.strip(),
                    payload={"estimate": job.estimate}):
        job.rejection_reason = reason.strip()
        notify_vendor(job, lambda: _("quote rejected"),
                      lambda: _("Your quote was rejected: %(reason)s\nYou may send a new one.\n")
                      % {"reason": job.rejection_reason})
    return job


def vendor_job_reject_invoice(*, job: VendorJob, reason: str, by) -> VendorJob:
    """The invoice is not accepted: the vendor is told why and may send a corrected one."""
    check_transition(job, "reject_invoice", by)
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Give the reason the invoice is rejected.")})
    with job_action(job=job, transition="reject_invoice", by=by, reason=reason.strip(),
                    payload={"invoice_amount": job.invoice_amount}):
        job.rejection_reason = reason.strip()
        notify_vendor(job, lambda: _("invoice rejected"),
                      lambda: _("Your invoice of %(amount)s was rejected: %(reason)s\nYou may "
                                "send a corrected invoice.\n") % {
                          "amount": format_amount(job.invoice_amount),
                          "reason": job.rejection_reason})
    return job


def vendor_job_accept_invoice(*, job: VendorJob, by, reason: str = "") -> VendorJob:
    """Accept the invoice for payment; above the tolerance only with ``reason`` (recorded as the
    approval of the overrun first)."""
    if job.state == JobState.INVOICED and job.invoice_over_tolerance and not job.overrun_approved:
        if not reason.strip():
            limit = job.invoice_limit
            raise ClaimValidationError({"reason": (
                _("The invoice of %(invoice_amount)s is above the tolerance of %(limit)s: "
                  "give the reason you accept it.") % {
                    "invoice_amount": format_amount(job.invoice_amount),
                    "limit": format_amount(limit)})})
        with business_action():  # both or neither
            vendor_job_approve_overrun(job=job, reason=reason, by=by, composed=True)
            return vendor_job_accept_for_payment(job=job, by=by, composed=True)
    return vendor_job_accept_for_payment(job=job, by=by)
