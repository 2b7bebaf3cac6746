"""A vendor's daily capacity in an event: data the adjusters set (audited), never a constant."""

from __future__ import annotations

from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError
from claims.services.tx import business_action
from claims.vendors.models import VendorOrganisation
from config.audit import audit_record

from ..models import VendorDailyCapacity
from .declare import require_adjuster


def vendor_capacity_set(*, organisation: VendorOrganisation, jobs_per_day: int | None, by
                        ) -> VendorDailyCapacity | None:
    """Set how many new jobs ``organisation`` takes per day (None: no limit)."""
    require_adjuster(by, _("set vendors' capacity"))
    if jobs_per_day is not None and (not isinstance(jobs_per_day, int) or jobs_per_day < 1):
        raise ClaimValidationError({"jobs_per_day": _("At least 1 job a day (or no limit).")})
    with business_action():
        row = VendorDailyCapacity.objects.select_for_update().filter(
            organisation=organisation).first()
        before = row.jobs_per_day if row else "no limit"
        if jobs_per_day is None:
            if row:
                row.delete()
            row = None
        elif row is None:
            row = VendorDailyCapacity.objects.create(organisation=organisation,
                                                     jobs_per_day=jobs_per_day)
        else:
            row.jobs_per_day = jobs_per_day
            row.save(update_fields=["jobs_per_day", "updated_at"])
        audit_record(actor=by, action="vendor.capacity_set", obj=organisation,
                     from_value=before, to_value=jobs_per_day or "no limit")
    return row
