"""The vendors app's emails, called explicitly by the job services: to the claim's adjuster, the
policyholder and the vendor organisation. Each is a task through the outbox (see
``claims.notifications``)."""

from __future__ import annotations

from claims.models import Claim
from claims.notifications import email_after_commit
from claims.selectors import adjusters

from .models import VendorJob, VendorService


def adjuster_emails(job: VendorJob) -> list[str]:
    """The claim's adjuster; every adjuster while none is assigned."""
    assigned = job.claim.assigned_adjuster
    if assigned is not None:
        return [assigned.email]
    return [user.email for user in adjusters()]


def vendor_emails(job: VendorJob) -> list[str]:
    organisation = job.organisation
    members = organisation.memberships.filter(user__is_active=True).values_list(
        "user__email", flat=True)
    return [organisation.contact_email, *members]


def notify_adjuster(job: VendorJob, subject: str, body: str) -> None:
    email_after_commit(subject=f"Claim {job.claim.number}: {subject}", body=body,
                       recipients=adjuster_emails(job))


def notify_policyholder(job: VendorJob, subject: str, body: str) -> None:
    holder = job.claim.policy.policyholder
    email_after_commit(subject=f"Your claim {job.claim.number}: {subject}", body=body,
                       recipients=[holder.email])


def notify_vendor(job: VendorJob, subject: str, body: str) -> None:
    email_after_commit(subject=f"Job {job.pk} (claim {job.claim.number}): {subject}", body=body,
                       recipients=vendor_emails(job))


def no_vendor_left(*, claim: Claim, service: VendorService) -> None:
    """To the adjuster(s): no further vendor offers the emergency service."""
    email_after_commit(
        subject=f"Claim {claim.number}: no {service} vendor available",
        body=f"No further vendor offers {service} for the emergency claim {claim.number}; "
             f"commission one by hand.\n",
        recipients=[claim.assigned_adjuster.email] if claim.assigned_adjuster
        else [user.email for user in adjusters()],
    )
