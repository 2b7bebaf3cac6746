"""The vendors app's emails, called explicitly by the job services: to the claim's adjuster, the
policyholder and the vendor organisation. Each is a task through the outbox (see
``claims.notifications``)."""

from __future__ import annotations

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from claims.models import Claim
from claims.notifications import email_after_commit
from claims.selectors import adjusters
from language.services import language_for_email

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


Text = str | Callable[[], str]


def _in_each_language(recipients: list[str], compose: Callable[[], tuple[str, str]]) -> None:
    """One email per recipient language; ``compose`` runs with that language active."""
    by_language: dict[str, list[str]] = {}
    for address in recipients:
        if address:
            by_language.setdefault(language_for_email(address), []).append(address)
    for language, addresses in sorted(by_language.items()):
        with translation.override(language):
            subject, body = compose()
            email_after_commit(subject=str(subject), body=str(body), recipients=addresses)


def _text(value: Text) -> str:
    """A subject or body: a callable is composed in the recipient's language."""
    return value() if callable(value) else str(value)


def notify_adjuster(job: VendorJob, subject: Text, body: Text) -> None:
    _in_each_language(adjuster_emails(job), lambda: (
        _("Claim %(number)s: %(subject)s") % {"number": job.claim.number,
                                              "subject": _text(subject)}, _text(body)))


def notify_policyholder(job: VendorJob, subject: Text, body: Text) -> None:
    holder = job.claim.policy.policyholder
    _in_each_language([holder.email], lambda: (
        _("Your claim %(number)s: %(subject)s") % {"number": job.claim.number,
                                                   "subject": _text(subject)}, _text(body)))


def notify_vendor(job: VendorJob, subject: Text, body: Text) -> None:
    _in_each_language(vendor_emails(job), lambda: (
        _("Job %(job)s (claim %(number)s): %(subject)s") % {
            "job": job.pk, "number": job.claim.number, "subject": _text(subject)}, _text(body)))


def no_vendor_left(*, claim: Claim, service: VendorService) -> None:
    """To the adjuster(s): no further vendor offers the emergency service."""
    recipients = ([claim.assigned_adjuster.email] if claim.assigned_adjuster
                  else [user.email for user in adjusters()])
    _in_each_language(recipients, lambda: (
        _("Claim %(number)s: no %(service)s vendor available") % {
            "number": claim.number, "service": service},
        _("No further vendor offers %(service)s for the emergency claim %(number)s; commission "
          "one by hand.\n") % {"service": service, "number": claim.number}))
