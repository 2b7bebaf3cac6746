"""Least data for vendors: what of the policyholder a vendor sees on a job, and for how long.

- requested: where the work is (company, postcode, city) to decide whether to take it;
- accepted up to in progress: the full on-site contact;
- completed, invoiced, accepted for payment: the contact for a grace period after completion
  (``PRIVACY_VENDOR_CONTACT_GRACE_DAYS``), then nothing;
- declined, escalated, cancelled: nothing.
Never the date of birth, the policy, other claims or other vendors' jobs: the vendor screens and
API read the policyholder only through ``vendor_job_contact``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.vendors.models import JobState
from privacy import conf

J = JobState
WORKING = {J.ACCEPTED, J.QUOTED, J.APPROVED, J.IN_PROGRESS}
FINISHED = {J.COMPLETED, J.INVOICED, J.ACCEPTED_FOR_PAYMENT}


@dataclass(frozen=True)
class VendorContact:
    company_name: str = ""
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    note: str = ""

    @property
    def full(self) -> bool:
        return bool(self.email)


def vendor_job_contact(job, *, now=None) -> VendorContact:
    """The policyholder's contact as the vendor of ``job`` may see it now."""
    now = now or timezone.now()
    holder = job.claim.policy.policyholder
    full = VendorContact(company_name=holder.company_name, contact_name=holder.contact_name,
                         phone=holder.phone, email=holder.email, street=holder.street,
                         postcode=holder.postcode, city=holder.city)
    if job.state in WORKING:
        return full
    if job.state == J.REQUESTED:
        return VendorContact(company_name=holder.company_name, postcode=holder.postcode,
                             city=holder.city,
                             note=_("The contact details are shown once you accept the job."))
    if job.state in FINISHED:
        finished = job.completed_at or job.updated_at
        until = finished + conf.vendor_contact_grace()
        if now < until:
            return VendorContact(**{**full.__dict__, "note": _(
                "Contact details are shown until %(date)s.") % {
                    "date": f"{timezone.localtime(until):%d.%m.%Y}"}})
        return VendorContact(note=_("The job is finished: the contact details are no longer "
                                    "shown."))
    return VendorContact(note=_("The job is closed: the contact details are not shown."))
