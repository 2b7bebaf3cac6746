"""What a vendor does on a job: accept or decline, quote, report progress, upload the final
report, complete, invoice. Called by the API, the portal and the tests alike."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError
from claims.models import ClaimDocument
from claims.services.documents import document_store, files_removed_on_error, inspect_all
from claims.services.tx import business_action
from coverage.money import money
from language.money import format_amount

from ..models import JobState, VendorJob, VendorProgressUpdate
from .common import (
    check_transition,
    job_action,
    notify_adjuster,
    notify_policyholder,
    require_vendor,
)


def _amount(value, field: str) -> Decimal:
    try:
        amount = money(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError) as error:
        raise ClaimValidationError({field: _("Enter an amount in EUR, e.g. 4800.00.")}) from error
    if amount <= 0:
        raise ClaimValidationError({field: _("The amount must be more than 0.00 EUR.")})
    return amount


def vendor_job_accept(*, job: VendorJob, by) -> VendorJob:
    with job_action(job=job, transition="accept", by=by):
        job.accepted_at = timezone.now()
        # Each action's emails are stored with it (the outbox, in the same transaction).
        notify_adjuster(job, lambda: _("vendor accepted"),
                        lambda: _("%(vendor)s accepted the %(service)s job %(job)s.\n") % {
                            "vendor": job.organisation, "service": job.service, "job": job.pk})
    return job


def vendor_job_decline(*, job: VendorJob, reason: str, by) -> VendorJob:
    """Decline with a reason; an emergency job goes to the next vendor at once."""
    if not reason.strip():
        check_transition(job, "decline", by)
        raise ClaimValidationError({"reason": _("Say why you decline the job.")})
    from .requests import offer_next_vendor

    with business_action():
        with job_action(job=job, transition="decline", by=by, reason=reason.strip(),
                        composed=True):
            job.decline_reason = reason.strip()
            job.closed_at = timezone.now()
        successor = offer_next_vendor(job=job) if job.emergency else None
        notify_adjuster(
            job, lambda: _("vendor declined"),
            lambda: _("%(organisation)s declined the %(service)s job %(job)s: %(reason)s\n") % {
                "organisation": job.organisation, "service": job.service, "job": job.pk,
                "reason": job.decline_reason}
            + (_("The emergency job was offered to %(organisation)s.\n") % {
                   "organisation": successor.organisation} if successor
               else ""),
        )
    return job


def vendor_job_quote(*, job: VendorJob, estimate, scope: str, by) -> VendorJob:
    check_transition(job, "quote", by)
    amount = _amount(estimate, "estimate")
    if not scope.strip():
        raise ClaimValidationError({"scope": _("Describe the work the estimate covers.")})
    with job_action(job=job, transition="quote", by=by, payload={"estimate": amount}):
        job.estimate = amount
        job.scope = scope.strip()
        job.quoted_at = timezone.now()
        notify_adjuster(
            job, lambda: _("quote to approve"),
            lambda: _("%(organisation)s quotes %(amount)s for job %(job)s:\n%(scope)s\n") % {
                "organisation": job.organisation, "amount": format_amount(amount),
                "job": job.pk, "scope": job.scope}
            + ("" if job.organisation.panel_member else
               _("The vendor is not on the panel: work starts only after your approval.\n")),
        )
    return job


def vendor_job_progress_add(
    *, job: VendorJob, percent, text: str, by, visible_to_policyholder: bool = False
) -> VendorProgressUpdate:
    """Post a progress update; the first one starts the work (which needs the adjuster's consent
    for a vendor not on the panel)."""
    require_vendor(job, by, _("post progress"))
    starting = job.state != JobState.IN_PROGRESS
    if starting:
        check_transition(job, "start_work", by)
    errors = {}
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        errors["percent"] = _("A whole number from 0 to 100.")
    else:
        if not 0 <= percent <= 100:
            errors["percent"] = _("A whole number from 0 to 100.")
    if not (text or "").strip():
        errors["text"] = _("Say what was done.")
    if errors:
        raise ClaimValidationError(errors)
    text = text.strip()

    # Composed in each recipient's language (callables: see claims.vendors.notifications).
    def body():
        return f"{job.service} ({job.organisation}): {percent} %\n{text}\n"

    with job_action(job=job, transition="start_work" if starting else None, by=by,
                    action="vendor_job.progress",
                    payload={"percent": percent, "visible": visible_to_policyholder}):
        update = VendorProgressUpdate.objects.create(
            job=job, percent=percent, text=text, author=by,
            visible_to_policyholder=visible_to_policyholder,
        )
        job.progress_percent = percent
        # The emails are stored with the update (the outbox, in the same transaction).
        notify_adjuster(job, lambda: _("progress %(percent)s %%") % {"percent": percent}, body)
        if visible_to_policyholder:
            notify_policyholder(job, lambda: _("progress of the specialists"), body)
    return update


def _store(job: VendorJob, upload, doc_type: str, by, written: list) -> ClaimDocument:
    [(upload, inspected)] = inspect_all([upload])
    return document_store(claim=job.claim, upload=upload, inspected=inspected,
                          doc_type=doc_type, uploaded_by=by, written=written)


def vendor_job_report_upload(*, job: VendorJob, upload, by) -> ClaimDocument:
    """Upload the final report (content-checked, stored on the claim); needed to complete."""
    require_vendor(job, by, _("upload the report"))
    if job.state != JobState.IN_PROGRESS:
        check_transition(job, "complete", by)  # explains the wrong state (409)
    if upload is None:
        raise ClaimValidationError({"file": _("Choose the report file.")})
    inspect_all([upload])
    with files_removed_on_error() as written, job_action(
        job=job, transition=None, by=by, action="vendor_job.report_uploaded"
    ) as details:
        document = _store(job, upload, ClaimDocument.Type.VENDOR_REPORT, by, written)
        job.report_document = document
        details["document"] = document.pk
    return document


def vendor_job_complete(*, job: VendorJob, by) -> VendorJob:
    def body():
        return _("%(vendor)s completed the %(service)s work; the final report is on the claim.\n"
                 ) % {"vendor": job.organisation, "service": job.service}

    with job_action(job=job, transition="complete", by=by):
        job.completed_at = timezone.now()
        job.progress_percent = 100
        notify_adjuster(job, lambda: _("vendor job completed"), body)
        notify_policyholder(job, lambda: _("%(service)s completed") % {"service": job.service},
                            body)
    return job


def vendor_job_invoice(*, job: VendorJob, amount, upload, by) -> VendorJob:
    """Send the invoice: amount and document. Above the approved estimate by more than the
    tolerance, the adjuster must approve it with a reason before it is paid."""
    check_transition(job, "invoice", by)
    errors = {}
    try:
        value = _amount(amount, "amount")
    except ClaimValidationError as error:
        errors.update(error.errors)
    if upload is None:
        errors["file"] = _("Attach the invoice document.")
    if errors:
        raise ClaimValidationError(errors)
    inspect_all([upload])
    with files_removed_on_error() as written, job_action(
        job=job, transition="invoice", by=by, payload={"amount": value}
    ) as details:
        document = _store(job, upload, ClaimDocument.Type.INVOICE, by, written)
        job.invoice_document = document
        job.invoice_amount = value
        job.invoiced_at = timezone.now()
        details.update(document=document.pk, over_tolerance=job.invoice_over_tolerance,
                       limit=job.invoice_limit)
        notify_adjuster(job, lambda: _("invoice received"), lambda: _invoice_body(job, value))
    return job


def _invoice_body(job: VendorJob, value: Decimal) -> str:
    """The adjuster's email about an invoice (composed in their language)."""
    limit = job.invoice_limit
    note = ""
    if job.invoice_over_tolerance and limit is not None:
        note = _("It exceeds the approved estimate by more than the tolerance (limit "
                 "%(limit)s): approve it with a reason before accepting it for "
                 "payment.\n") % {"limit": format_amount(limit)}
    elif job.invoice_over_tolerance:
        note = _("It exceeds the approved estimate by more than the tolerance (no "
                 "estimate): approve it with a reason before accepting it for payment.\n")
    return _("%(organisation)s invoices %(value)s for job %(job)s.\n%(note)s") % {
        "organisation": job.organisation, "value": format_amount(value), "job": job.pk,
        "note": note}
