"""Every portal and vendor page without critical or serious axe-core violations (issue 15)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.services import claim_report, claim_transition, report_receive
from claims.vendors.models import VendorMembership
from claims.vendors.services import vendor_job_request
from tests.e2e.axe import axe_violations, describe
from tests.factories import (
    PASSWORD,
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_org,
    make_policy,
    make_team_lead,
    service,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def job():
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adjuster", team_lead=lead)
    holder_user = UserFactory(username="holder")
    holder = PolicyholderFactory(user=holder_user, company_name="Pixel GmbH", postcode="86150")
    policy = make_policy(holder=holder, created_by=lead)
    claim = claim_report(policy=policy, loss_type=loss_type("ransomware"),
                         loss_date=timezone.localdate(), reported_by=holder_user,
                         description="Ransomware encrypted the file server.")
    claim_transition(claim=claim, transition="start_liability_check", by=adjuster)
    report_receive(policy=policy, loss_type=loss_type("ransomware"),  # home lists it
                   loss_date=timezone.localdate(), reported_by=holder_user,
                   description="Sent by the accounting software: invoices encrypted.")
    organisation = make_org("ForensIT 24/7", "forensics", panel=True, available_24_7=True)
    VendorMembership.objects.create(user=UserFactory(username="vendor"),
                                    organisation=organisation)
    return vendor_job_request(claim=claim, organisation=organisation,
                              service=service("forensics"), by=adjuster, scope="Contain it.")


def _sign_in(page, live_server, username, next_path):
    page.goto(f"{live_server.url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}{next_path}")


def _check(page, live_server, artifacts, pages):
    found = []
    for name, path in pages:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(artifacts / f"a11y-{name}.png"), full_page=True)
        violations = axe_violations(page)
        if violations:
            found.append(f"{name} ({path}):\n{describe(violations)}")
    assert not found, "\n".join(found)


def test_portal_pages_have_no_critical_or_serious_violations(live_server, page, artifacts, job):
    claim = job.claim
    _sign_in(page, live_server, "holder", "/portal/")
    _check(page, live_server, artifacts, [
        ("portal-home", "/portal/"), ("portal-report", "/portal/report/"),
        ("portal-claim", f"/portal/claims/{claim.pk}/"),
        ("portal-policy", f"/portal/policies/{claim.policy_id}/"),
    ])


def test_vendor_pages_have_no_critical_or_serious_violations(live_server, page, artifacts, job):
    _sign_in(page, live_server, "vendor", "/vendor/")
    _check(page, live_server, artifacts, [
        ("vendor-jobs", "/vendor/"), ("vendor-job", f"/vendor/jobs/{job.pk}/"),
    ])
