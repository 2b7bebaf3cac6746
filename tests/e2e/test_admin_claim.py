"""An adjuster works a claim in a real browser: sign in, open a reported claim, press the button
for the liability check, and see the coverage result and the audit entry on the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import User

from claims.models import Claim, ClaimState
from tests.factories import (
    PASSWORD,
)
from tests.otp import current_code, totp_device

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_adjuster_moves_a_reported_claim_to_the_liability_check(
    live_server, page, artifacts, reported_claim
):
    claim_url = f"{live_server.url}/admin/claims/claim/{reported_claim.pk}/change/"
    page.goto(f"{live_server.url}/admin/login/?next=/admin/claims/claim/{reported_claim.pk}"
              "/change/")
    page.fill("#id_username", "adjuster")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", current_code(totp_device(User.objects.get(username="adjuster"))))
    page.click("input[type=submit]")
    page.wait_for_url(claim_url)
    assert reported_claim.number in page.inner_text("#content")
    assert "Not checked yet" in page.inner_text(".field-coverage_result")

    page.get_by_role("button", name="Start liability check").click()

    page.wait_for_url(claim_url)
    assert "Start liability check: done" in page.inner_text(".messagelist")
    assert "COVERED" in page.inner_text(".field-coverage_result")
    assert "Liability and coverage check" in page.inner_text(".field-state_overview")
    page.get_by_role("tab", name="History").click()  # the claim page's tabs (issue 15)
    history = page.inner_text("#audit-history")
    assert re.search(r"adjuster\s+claim\.transition\s+reported\s+liability_check", history)
    assert "claim.coverage_checked" in history
    assert page.get_by_role("button", name="Deny claim").is_visible()
    page.screenshot(path=str(artifacts / "admin-claim-liability-check.png"), full_page=True)
    assert Claim.objects.get(pk=reported_claim.pk).state == ClaimState.LIABILITY_CHECK


def test_an_adjuster_opens_the_tabs_and_saves_a_note_and_a_question_written_there(
    live_server, page, artifacts, reported_claim
):
    """The tabs after the overview are loaded when first opened, into the form: what is typed
    there is saved with it, and the admin's widgets work there (another row, the calendar)."""
    from claims.models import ClaimNote, InformationRequest
    from tests.e2e.admin_login import admin_login

    path = f"/admin/claims/claim/{reported_claim.pk}/change/"
    admin_login(page, live_server, "adjuster", next_path=path)
    assert page.locator("#notes-group").count() == 0  # not loaded before its tab is opened
    page.get_by_role("tab", name="Documents and notes").click()
    page.locator("#id_notes-0-text").fill("Called the managing director.")
    assert page.locator("#notes-group .add-row a").is_visible()  # "Add another note"
    page.get_by_role("tab", name="Questions").click()
    page.locator("#id_information_requests-0-question").fill("Which backups exist?")
    assert page.locator("#information_requests-0 .datetimeshortcuts").count() == 1
    page.locator("#id_information_requests-0-due_date").fill(
        f"{reported_claim.loss_date + timedelta(days=7):%Y-%m-%d}")
    page.screenshot(path=str(artifacts / "admin-claim-questions-tab.png"), full_page=True)
    page.locator("input[name=_continue]").click()

    page.wait_for_url(re.compile(re.escape(f"{live_server.url}{path}") + "(#.*)?$"))
    assert page.locator(".messagelist .success").count()
    assert ClaimNote.objects.get(claim=reported_claim).text == "Called the managing director."
    assert InformationRequest.objects.get(claim=reported_claim).question == (
        "Which backups exist?")
    page.get_by_role("tab", name="Documents and notes").click()
    assert "Called the managing director." in page.inner_text("#notes-group")
