"""Reads for the vendor screens, the API, the services and the tasks."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext, ngettext

from claims.models import Claim, ClaimDocument

from .models import (
    OPEN_STATES,
    JobState,
    VendorJob,
    VendorOrganisation,
    VendorProgressUpdate,
    VendorService,
)


@dataclass(frozen=True)
class VendorProposal:
    """A vendor the system proposes for a service on a claim, with why it ranks where it does."""

    organisation: VendorOrganisation
    region_match: bool
    open_jobs: int

    @property
    def reasons(self) -> str:
        org = self.organisation
        parts = [gettext("serves the region") if self.region_match else gettext("nationwide"),
                 gettext("24/7") if org.available_24_7 else gettext("office hours"),
                 gettext("panel") if org.panel_member
                 else gettext("not on the panel (needs prior consent)"),
                 ngettext("%(count)s open job", "%(count)s open jobs", self.open_jobs) % {
                     "count": self.open_jobs}]
        return ", ".join(parts)


def claim_postcode(claim: Claim) -> str:
    return (claim.policy.policyholder.postcode or "").strip()


def vendors_propose(
    *, claim: Claim, service: VendorService, exclude_ids: set[int] | None = None
) -> list[VendorProposal]:
    """Active vendors offering ``service`` for ``claim``, best first.

    Order: 24/7 vendors first on an emergency claim; vendors serving the policyholder's postcode
    before nationwide ones (regional vendors elsewhere are left out); panel members first; fewer
    open jobs first; then by name.
    """
    postcode = claim_postcode(claim)
    candidates = (
        VendorOrganisation.objects.filter(active=True, services=service)
        .exclude(pk__in=exclude_ids or ())
        .annotate(open_jobs=Count("jobs", filter=Q(jobs__state__in=OPEN_STATES), distinct=True))
    )
    proposals = []
    for organisation in candidates:
        region_match = organisation.serves_postcode(postcode)
        if not (region_match or organisation.nationwide or not postcode):
            continue
        proposals.append(VendorProposal(organisation, region_match, organisation.open_jobs))

    def rank(proposal: VendorProposal):
        org = proposal.organisation
        return (
            claim.emergency and not org.available_24_7,
            0 if proposal.region_match else 1 if org.nationwide else 2,
            not org.panel_member,
            proposal.open_jobs,
            org.name,
            org.pk,
        )

    return sorted(proposals, key=rank)


def jobs_for_organisation(*, organisation_id: int, state: str | None = None) -> QuerySet:
    """The jobs of one organisation (never another's), with what the vendor screens show."""
    jobs = VendorJob.objects.filter(organisation_id=organisation_id).select_related(
        "claim__loss_type", "claim__policy__policyholder", "service", "organisation",
        "report_document", "invoice_document",
    )
    if state:
        jobs = jobs.filter(state=state)
    return jobs


def jobs_for_user(*, user, state: str | None = None) -> QuerySet:
    membership = getattr(user, "vendor_membership", None) if user.is_authenticated else None
    if membership is None or not user.is_active:
        return VendorJob.objects.none()
    return jobs_for_organisation(organisation_id=membership.organisation_id, state=state)


def jobs_for_list(*, user, state: str | None = None) -> QuerySet:
    """``jobs_for_user`` with what the job lists show only (the claim's number and loss type,
    the service): three tables joined instead of nine, for the planner, the SQL and the rows."""
    return jobs_for_user(user=user, state=state).select_related(None).select_related(
        "claim__loss_type", "service")


def progress_updates(*, job: VendorJob) -> QuerySet[VendorProgressUpdate]:
    return job.progress_updates.select_related("author").order_by("created_at", "id")


def unaccepted_overdue_jobs(*, now) -> QuerySet[VendorJob]:
    return VendorJob.objects.filter(
        state=JobState.REQUESTED, accept_deadline__isnull=False, accept_deadline__lt=now
    ).order_by("pk")


def organisations_tried(*, claim: Claim, service: VendorService) -> set[int]:
    """Organisations already asked for this service on this claim (declined, escalated, ...)."""
    return set(
        VendorJob.objects.filter(claim=claim, service=service).values_list(
            "organisation_id", flat=True)
    )


def job_documents(*, job: VendorJob):
    """The documents the job's vendor put on the claim (reports, invoices, attachments), oldest
    first: what the vendor sees listed on its job page."""
    return (ClaimDocument.objects.filter(
        claim_id=job.claim_id, uploaded_by__vendor_membership__organisation_id=job.organisation_id)
        .order_by("uploaded_at", "id"))
