"""Cyber events in a real browser: the policyholder sees the open event, reports under it with the
short form, gets the claim number once it is registered, and records the providers and software
the business depends on; the adjuster reaches the event's dashboard from the admin index (chart,
exposure, suggestion to confirm). Screenshots go to test-artifacts/events/."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.events.models import EventClaim
from claims.events.services import event_declare, event_reports_register
from claims.services import claim_report
from coverage.models import LossType
from tests.factories import (
    PASSWORD,
    PolicyholderFactory,
    UserFactory,
    make_adjuster,
    make_policy,
    make_team_lead,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def scene():
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adjuster", team_lead=lead)
    user = UserFactory(username="mehmet", first_name="Mehmet")
    holder = PolicyholderFactory(user=user, company_name="Yilmaz Logistik GmbH",
                                 contact_name="Mehmet Yilmaz", email="mehmet@example.com")
    policy = make_policy(holder=holder, product="cyber", created_by=lead)
    ransomware = LossType.objects.get(code="ransomware")
    earlier = claim_report(policy=policy, loss_type=ransomware,
                           loss_date=timezone.localdate() - timedelta(days=1),
                           description="The office PCs show lockbridge-readme.txt.",
                           reported_by=user)
    event = event_declare(
        by=adjuster, name="FileBridge MFT ransomware campaign", kind="malware_campaign",
        description="Criminals exploit a flaw in FileBridge MFT. If you use it: disconnect it "
                    "and report here.",
        starts_at=timezone.now() - timedelta(days=3), software=["FileBridge MFT"],
        indicators=["LockBridge"], cve_id="CVE-2026-31337", loss_types=[ransomware],
    )
    return {"event": event, "policy": policy, "earlier": earlier}


@pytest.fixture
def shots(artifacts):
    folder = artifacts / "events"
    folder.mkdir(parents=True, exist_ok=True)
    return lambda page, name: page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def sign_in(page, url, username):
    page.goto(url)
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if page.locator("#id_otp_token").count():  # the admin: staff sign in with a second factor
        from django.contrib.auth.models import User

        from tests.otp import recovery_code

        page.fill("#id_otp_token", recovery_code(User.objects.get(username=username)))
    page.click("form:has(#id_password) [type=submit]")


def test_policyholder_reports_under_the_open_event_and_records_dependencies(
        live_server, page, shots, scene):
    event, policy = scene["event"], scene["policy"]
    sign_in(page, f"{live_server.url}/portal/", "mehmet")
    page.wait_for_url(re.compile(r"/portal/$"))
    banner = page.locator(".event-banner")
    assert "FileBridge MFT ransomware campaign" in banner.inner_text()
    shots(page, "01-portal-home-with-event")

    banner.locator("text=Affected? Report it here").click()
    page.wait_for_url(re.compile(rf"/portal/events/{event.pk}/report/$"))
    assert page.is_checked("label:has-text('ransomware') input")  # the cause is filled in
    assert page.input_value("#id_description").startswith("Hit by FileBridge MFT")
    page.fill("#id_description", "Hit by FileBridge MFT ransomware campaign: the warehouse "
                                 "server is encrypted.")
    shots(page, "02-short-report-form")
    page.click("text=Send the report")
    page.wait_for_url(re.compile(r"/portal/events/reports/\d+/$"))
    assert "being registered" in page.inner_text("#report-status")
    shots(page, "03-report-received")

    assert event_reports_register() == 1  # the beat task
    page.reload()
    claim = EventClaim.objects.get(event=event, source="report").claim
    assert claim.number in page.inner_text("#report-status")
    shots(page, "04-report-registered")

    page.goto(f"{live_server.url}/portal/policies/{policy.pk}/")
    page.click("text=IT providers and software you depend on")
    page.fill("#id_providers", "CloudHost\nMailCo")
    page.fill("#id_software", "FileBridge MFT")
    page.click("#dependencies-form [type=submit]")
    page.wait_for_url(re.compile(r"/dependencies/$"))
    assert "are saved" in page.content()
    assert sorted(policy.it_dependencies.values_list("name", flat=True)) == [
        "CloudHost", "FileBridge MFT", "MailCo"]
    shots(page, "05-dependencies")


def test_adjuster_opens_the_dashboard_from_the_index_and_confirms_a_suggestion(
        live_server, page, shots, scene):
    event, earlier = scene["event"], scene["earlier"]
    sign_in(page, f"{live_server.url}/admin/login/?next=/admin/", "adjuster")
    page.wait_for_url(re.compile(r"/admin/$"))
    box = page.locator("#cyber-events-box")
    assert "1 suggestion to confirm" in box.inner_text()
    shots(page, "10-admin-index")
    box.locator(f"text={event.name}").click()
    page.wait_for_url(re.compile(rf"/admin/events/cyberevent/{event.pk}/dashboard/$"))
    assert page.locator("#event-dashboard svg polyline").count() == 2
    assert page.locator("#exposure-table tbody tr").count() >= 1
    assert earlier.number in page.inner_text("#suggestions")
    shots(page, "11-dashboard")
    page.locator("#suggestions").locator("input[value=Confirm]").click()
    page.wait_for_url(re.compile(r"/dashboard/"))
    assert EventClaim.objects.filter(event=event, claim=earlier).exists()
    assert "Nothing to confirm." in page.inner_text("#suggestions")
    shots(page, "12-dashboard-after-confirm")
    page.click("text=Bulk handling")
    page.fill("#id_note-text", "Part of the FileBridge campaign.")
    page.locator("#bulk-note [type=submit]").click()
    assert earlier.number in page.inner_text("#bulk-result")
    shots(page, "13-bulk-note")
