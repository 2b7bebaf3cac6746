"""A vendor works a job in a real browser: sign in to the portal, accept the job, post progress,
upload the final report, complete and invoice it; then the adjuster sees it all in the admin."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.services import claim_report, claim_transition
from claims.vendors.models import VendorJob, VendorMembership
from claims.vendors.services import vendor_job_request
from tests.factories import (
    PASSWORD,
    PDF,
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_org,
    make_policy,
    make_team_lead,
    service,
)
from tests.otp import current_code, totp_device  # noqa: E402

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def requested_job():
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adjuster", team_lead=lead)
    holder_user = UserFactory(username="holder")
    holder = PolicyholderFactory(user=holder_user, company_name="Pixel GmbH", postcode="86150",
                                 phone="+49 821 555 0101")
    policy = make_policy(holder=holder, created_by=lead)
    claim = claim_report(policy=policy, loss_type=loss_type("ransomware"),
                         loss_date=timezone.localdate(), reported_by=holder_user,
                         description="Ransomware encrypted the file server.")
    claim_transition(claim=claim, transition="start_liability_check", by=adjuster)
    organisation = make_org("ForensIT 24/7", "forensics", panel=True, available_24_7=True)
    vendor = UserFactory(username="vendor.forensics")
    VendorMembership.objects.create(user=vendor, organisation=organisation)
    return vendor_job_request(claim=claim, organisation=organisation,
                              service=service("forensics"), by=adjuster,
                              scope="Contain the ransomware and restore the file server.")


def _sign_in(page, url, username):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if page.get_by_role("button", name="Sign in").count():  # the site's login page
        page.get_by_role("button", name="Sign in").click()
    else:  # the admin's, with the staff member's current authenticator code
        user = get_user_model().objects.get(username=username)
        page.fill("#id_otp_token", current_code(totp_device(user)))
        page.click("input[type=submit]")


def test_vendor_accepts_reports_progress_and_invoices_then_the_adjuster_sees_it(
        live_server, page, artifacts, requested_job, tmp_path):
    job = requested_job
    _sign_in(page, f"{live_server.url}/accounts/login/?next=/vendor/", "vendor.forensics")
    page.wait_for_url(f"{live_server.url}/vendor/")
    assert "Jobs of ForensIT 24/7" in page.inner_text("main")
    page.get_by_role("link", name=f"Job {job.pk}").click()
    assert job.claim.number in page.inner_text("main")
    assert "Pixel GmbH" in page.inner_text("main")

    page.get_by_role("button", name="Accept job").click()
    assert "You accepted the job." in page.inner_text(".messages")
    assert page.inner_text("#job-state") == "Accepted"

    page.fill("#id_percent", "40")
    page.fill("#id_text", "Entry point found; file server isolated, restore running.")
    page.check("#id_visible_to_policyholder")
    page.get_by_role("button", name="Post progress").click()
    assert "Your progress update was posted." in page.inner_text(".messages")
    assert "40 %" in page.inner_text(".timeline")
    page.screenshot(path=str(artifacts / "vendor-portal-progress.png"), full_page=True)

    report = tmp_path / "final-report.pdf"
    report.write_bytes(PDF)
    page.set_input_files("#id_file", str(report))
    page.get_by_role("button", name="Upload report").click()
    assert "The final report was uploaded." in page.inner_text(".messages")
    page.get_by_role("button", name="Complete job").click()
    assert page.inner_text("#job-state") == "Completed"

    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(PDF)
    page.fill("#id_amount", "4800.00")
    page.set_input_files("#id_file", str(invoice))
    page.get_by_role("button", name="Send invoice").click()
    assert "Your invoice was sent." in page.inner_text(".messages")
    assert page.inner_text("#job-state") == "Invoiced"
    page.screenshot(path=str(artifacts / "vendor-portal-invoiced.png"), full_page=True)

    job.refresh_from_db()
    assert job.state == "invoiced" and job.invoice_amount == Decimal("4800.00")

    page.context.clear_cookies()
    _sign_in(page, f"{live_server.url}/admin/login/?next=/admin/vendors/vendorjob/{job.pk}"
                   "/change/", "adjuster")
    page.wait_for_url(f"{live_server.url}/admin/vendors/vendorjob/{job.pk}/change/")
    content = page.inner_text("#content")
    assert "4800.00" in content or "4,800.00" in content
    assert "invoice.pdf" in content and "final-report.pdf" in content
    assert "Entry point found" in content
    # No quote was approved (a panel vendor may start at once), so the invoice needs the
    # adjuster's explicit approval with a reason before it can be paid.
    assert "needs your approval" in content
    assert page.get_by_role("button", name="Approve invoice above the estimate").is_visible()
    page.screenshot(path=str(artifacts / "admin-vendor-job.png"), full_page=True)

    page.goto(f"{live_server.url}/admin/claims/claim/{job.claim_id}/change/")
    page.get_by_role("tab", name="Vendors").click()  # the claim page's tabs (issue 15)
    page.locator("#vendor_jobs-group").wait_for()  # loaded when the tab is first opened
    jobs = page.inner_text("#content")
    assert f"Job {job.pk}" in jobs and "Invoiced" in jobs and "40 %" in jobs
    assert page.get_by_role("link", name="Commission a vendor").is_visible()
    page.screenshot(path=str(artifacts / "admin-claim-vendor-jobs.png"), full_page=True)
    assert VendorJob.objects.filter(claim=job.claim).count() == 1
