"""An adjuster works a claim in a real browser: sign in, open a reported claim, press the button
for the liability check, and see the coverage result and the audit entry on the page."""

from __future__ import annotations

import re

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
