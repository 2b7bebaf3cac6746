"""Commissioning vendors: the adjuster's request, the emergency proposal and the escalation of an
emergency job nobody accepted in time."""

from __future__ import annotations

import logging
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import Claim, ClaimState
from claims.services.tx import business_action
from config.audit import audit_record

from .. import conf
from ..models import JobState, VendorJob, VendorOrganisation, VendorService
from ..selectors import organisations_tried, unaccepted_overdue_jobs, vendors_propose
from .common import job_action, notify_adjuster, notify_vendor

logger = logging.getLogger(__name__)

# A vendor can be commissioned while the claim is being checked or mitigated.
COMMISSION_STATES = [ClaimState.REPORTED, ClaimState.LIABILITY_CHECK, ClaimState.MITIGATION,
                     ClaimState.REOPENED]


def _validate(*, claim: Claim, organisation: VendorOrganisation, service: VendorService) -> None:
    if claim.state not in COMMISSION_STATES:
        raise TransitionConflict(
            _("No vendor can be commissioned: the claim is %(state)s.") % {
                "state": ClaimState(claim.state).label.lower()}
        )
    errors = {}
    if not organisation.active:
        errors["organisation"] = _("%(organisation)s is not active.") % {
                                     "organisation": organisation}
    elif not organisation.services.filter(pk=service.pk).exists():
        errors["organisation"] = _("%(organisation)s does not offer %(service)s.") % {
                                     "organisation": organisation, "service": service}
    if errors:
        raise ClaimValidationError(errors)


def vendor_job_request(
    *, claim: Claim, organisation: VendorOrganisation, service: VendorService, by,
    scope: str = "", emergency: bool = False, escalated_from: VendorJob | None = None,
    now: datetime | None = None, composed: bool = False,
) -> VendorJob:
    """The adjuster (or, with ``by=None``, the system for an emergency) asks ``organisation`` to
    do ``service`` on ``claim``. Audited; the vendor is told after commit. ``composed=True``: a
    step of the caller's transaction."""
    if by is not None and not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only an adjuster can commission a vendor."))
    _validate(claim=claim, organisation=organisation, service=service)
    now = now or timezone.now()
    with business_action(composed=composed):
        job = VendorJob(
            claim=claim, organisation=organisation, service=service, scope=scope.strip(),
            emergency=emergency, requested_by=by, requested_at=now,
            accept_deadline=now + conf.emergency_accept_window() if emergency else None,
            escalated_from=escalated_from,
        )
        job.save()
        audit_record(
            actor=by, action="vendor_job.requested", obj=job, to_value=job.state,
            payload={"organisation": organisation.name, "service": service.code,
                     "emergency": emergency, "accept_deadline": job.accept_deadline,
                     "escalated_from": escalated_from.pk if escalated_from else None},
            claim_id=claim.pk,
        )
        due = (timezone.localtime(job.accept_deadline).strftime("%d.%m.%Y %H:%M")
               if emergency else "")

        def body():
            deadline = _("\nEMERGENCY: accept by %(due)s, or the job goes to another "
                         "vendor.\n") % {"due": due} if emergency else ""
            return _("%(service)s requested on claim %(claim)s.\n%(scope)s\n%(deadline)s") % {
                "service": service, "claim": claim.number, "scope": job.scope,
                "deadline": deadline}

        notify_vendor(job, lambda: _("new job"), body)
    return job


def emergency_job_propose(*, claim_id: int, now: datetime | None = None) -> VendorJob | None:
    """For an emergency claim: commission the best-ranked vendor of the emergency service at once
    (system action). Idempotent: does nothing if the claim already has such a job."""
    claim = Claim.objects.select_related("policy__policyholder", "policy__product").get(
        pk=claim_id)
    if not claim.emergency or claim.state not in COMMISSION_STATES:
        return None
    service = VendorService.objects.filter(code=conf.emergency_service_code()).first()
    if service is None:
        logger.warning("no vendor service %r for emergencies", conf.emergency_service_code())
        return None
    if VendorJob.objects.filter(claim=claim, service=service, emergency=True).exists():
        return None
    proposals = vendors_propose(claim=claim, service=service)
    if not proposals:
        _no_vendor_left(claim=claim, service=service)
        return None
    return vendor_job_request(
        claim=claim, organisation=proposals[0].organisation, service=service, by=None,
        scope=f"Emergency: {claim.loss_type.name}. Assess, contain, restore the systems.",
        emergency=True, now=now,
    )


def _no_vendor_left(*, claim: Claim, service: VendorService) -> None:
    from ..notifications import no_vendor_left

    no_vendor_left(claim=claim, service=service)


def offer_next_vendor(*, job: VendorJob, now: datetime | None = None) -> VendorJob | None:
    """Offer an emergency job that was declined or escalated to the next-ranked vendor not yet
    asked on this claim; tell the adjuster if none is left. A step of the caller's transaction
    (the decline or the escalation)."""
    tried = organisations_tried(claim=job.claim, service=job.service)
    proposals = vendors_propose(claim=job.claim, service=job.service, exclude_ids=tried)
    if not proposals or job.claim.state not in COMMISSION_STATES:
        _no_vendor_left(claim=job.claim, service=job.service)
        return None
    return vendor_job_request(
        claim=job.claim, organisation=proposals[0].organisation, service=job.service, by=None,
        scope=job.scope, emergency=True, escalated_from=job, now=now, composed=True,
    )


def vendor_job_escalate(*, job: VendorJob, now: datetime | None = None) -> bool:
    """System: the emergency job was not accepted in time. Mark it escalated, offer the work to
    the next vendor and tell the adjuster, all in one transaction. False if there was nothing to
    do (accepted meanwhile, already escalated, or another worker has it)."""
    now = now or timezone.now()
    with business_action():
        locked = (VendorJob.objects.select_for_update(skip_locked=True)
                  .select_related("claim__policy__policyholder", "service", "organisation")
                  .filter(pk=job.pk, state=JobState.REQUESTED).first())
        if locked is None:
            return False
        with job_action(job=locked, transition="escalate", by=None, system=True, composed=True,
                        reason="Not accepted within the deadline.",
                        payload={"accept_deadline": locked.accept_deadline}):
            locked.closed_at = now
        successor = offer_next_vendor(job=locked, now=now)
        notify_adjuster(
            locked, lambda: _("emergency job escalated"),
            lambda: _("%(organisation)s did not accept the %(service)s job in time.\n") % {
                "organisation": locked.organisation, "service": locked.service}
            + (_("It was offered to %(organisation)s.\n") % {
                   "organisation": successor.organisation} if successor
               else _("No further vendor is available: commission one by hand.\n")),
        )
    return True


def jobs_escalate_unaccepted(*, now: datetime | None = None) -> int:
    """Beat: escalate every emergency job past its accept deadline; returns how many.
    Idempotent: an escalated job is no longer "requested"."""
    now = now or timezone.now()
    jobs = list(unaccepted_overdue_jobs(now=now))
    return sum(1 for job in jobs if vendor_job_escalate(job=job, now=now))
