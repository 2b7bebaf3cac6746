"""The demo data: a vendor of every service with a login, jobs in several states; idempotent."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from claims.vendors.models import VendorJob, VendorMembership, VendorOrganisation, VendorService


def test_the_demo_has_vendors_of_each_service_with_logins_and_jobs_and_loads_twice(db):
    call_command("demo_data", stdout=StringIO())
    for service in VendorService.objects.all():
        assert VendorOrganisation.objects.filter(services=service).exists(), service
    assert VendorMembership.objects.count() == VendorOrganisation.objects.count()
    states = set(VendorJob.objects.values_list("state", flat=True))
    assert {"requested", "accepted", "quoted", "in_progress", "invoiced", "declined"} <= states
    counts = (VendorOrganisation.objects.count(), VendorJob.objects.count())
    out = StringIO()
    call_command("demo_data", stdout=out)
    assert (VendorOrganisation.objects.count(), VendorJob.objects.count()) == counts
    assert "vendor.forensics" in out.getvalue()
