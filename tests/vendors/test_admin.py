"""The adjuster's side in the admin: the claim's vendor jobs, commissioning a vendor from the
ranked proposals, and the decisions as buttons."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from accounts.twofactor import needs_two_factor
from claims.vendors.models import VendorJob
from tests.claims.desk_tabs import claim_page
from tests.factories import PASSWORD, make_document, make_job, make_org
from tests.otp import staff_login


def login(user) -> Client:
    client = Client()
    if needs_two_factor(user):
        staff_login(client, user)
    else:
        assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_claim_page_lists_its_vendor_jobs_and_offers_to_commission(claim, org_a, adjuster):
    job = make_job(claim, org_a, state="in_progress", progress_percent=40)
    page = claim_page(login(adjuster), f"/admin/claims/claim/{claim.pk}/change/")
    assert f"/admin/vendors/vendorjob/{job.pk}/change/" in page
    assert "Commission a vendor" in page
    assert f"/admin/vendors/vendorjob/commission/{claim.pk}/" in page


def test_the_adjuster_commissions_one_of_the_ranked_vendors(claim, adjuster, org_a):
    second = make_org("Zeta Forensik")
    client = login(adjuster)
    url = f"/admin/vendors/vendorjob/commission/{claim.pk}/"
    page = client.get(url, {"service": org_a.services.get(code="forensics").pk})
    text = page.content.decode()
    assert text.index("Alpha Forensik") < text.index("Zeta Forensik")
    response = client.post(f"{url}?service={org_a.services.get(code='forensics').pk}",
                           {"organisation": str(second.pk), "scope": "Secure evidence"})
    assert response.status_code == 302
    job = VendorJob.objects.get(claim=claim, organisation=second)
    assert job.state == "requested" and job.requested_by == adjuster


def test_a_vendor_cannot_open_the_commission_page(claim, vendor_a):
    vendor_a.is_staff = True
    vendor_a.save()
    response = login(vendor_a).get(f"/admin/vendors/vendorjob/commission/{claim.pk}/")
    assert response.status_code == 403


def test_the_adjusters_decisions_are_buttons_through_the_services(claim, org_b, adjuster,
                                                                  vendor_b):
    job = make_job(claim, org_b, state="quoted", estimate=Decimal("3000.00"))
    client = login(adjuster)
    url = f"/admin/vendors/vendorjob/{job.pk}/change/"
    page = client.get(url).content.decode()
    assert "Approve quote" in page and "Cancel job" in page
    inline = {"progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0"}
    response = client.post(url, {"_fsm_transition_to": "approve_quote", **inline})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "approved" and job.approved_by == adjuster

    over = make_job(claim, org_b, state="invoiced", invoice_amount=Decimal("9000.00"),
                    report_document=make_document(claim, vendor_b),
                    invoice_document=make_document(claim, vendor_b, "invoice"))
    page = client.get(f"/admin/vendors/vendorjob/{over.pk}/change/").content.decode()
    assert "needs your approval" in page
    form_url = f"/admin/vendors/vendorjob/{over.pk}/transition/approve_overrun/"
    response = client.post(form_url, {"reason": ""})
    assert response.status_code == 200  # the form again, with its error
    client.post(form_url, {"reason": "Extra servers were encrypted."})
    over.refresh_from_db()
    assert over.overrun_reason == "Extra servers were encrypted."


def test_cancel_asks_for_a_reason(claim, org_a, adjuster):
    job = make_job(claim, org_a)
    client = login(adjuster)
    client.post(f"/admin/vendors/vendorjob/{job.pk}/transition/cancel/",
                {"reason": "Policyholder solved it."})
    job.refresh_from_db()
    assert job.state == "cancelled" and job.cancel_reason == "Policyholder solved it."


def test_commissioning_a_second_job_for_an_open_service_needs_a_confirmation(
    claim, adjuster, org_a
):
    forensics = org_a.services.get(code="forensics")
    open_job = make_job(claim, org_a, state="in_progress")
    client = login(adjuster)
    url = f"/admin/vendors/vendorjob/commission/{claim.pk}/?service={forensics.pk}"
    assert f"/admin/vendors/vendorjob/{open_job.pk}/change/" in client.get(url).content.decode()

    refused = client.post(url, {"organisation": str(org_a.pk), "scope": "Again"})

    assert refused.status_code == 200
    assert "already has an open job for this service" in refused.content.decode()
    assert VendorJob.objects.filter(claim=claim).count() == 1
    confirmed = client.post(url, {"organisation": str(org_a.pk), "scope": "Again",
                                  "second_job": "on"})
    assert confirmed.status_code == 302
    assert VendorJob.objects.filter(claim=claim).count() == 2
