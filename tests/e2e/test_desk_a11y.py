"""The adjuster's desk is usable with a screen reader and a keyboard: no critical or serious
axe-core violations on the claim list, the claim page, the start page and the received reports
(issue 15)."""

from __future__ import annotations

import pytest

from tests.e2e.admin_login import admin_login
from tests.e2e.axe import axe_violations, describe

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_claim_page_list_and_start_page_have_no_critical_or_serious_violations(
    live_server, page, artifacts, reported_claim
):
    from django.utils import timezone

    from claims.services import report_receive

    receipt = report_receive(  # a report sent through the API, waiting to be registered
        policy=reported_claim.policy, loss_type=reported_claim.loss_type,
        loss_date=timezone.localdate(), description="Sent by the accounting software.",
        reported_by=reported_claim.reported_by)
    admin_login(page, live_server, "adjuster")
    for name, path in [
        ("index", "/admin/"),
        ("claim-list", "/admin/claims/claim/"),
        ("claim-page", f"/admin/claims/claim/{reported_claim.pk}/change/"),
        ("received-reports", "/admin/claims/reportreceipt/"),
        ("received-report", f"/admin/claims/reportreceipt/{receipt.pk}/change/"),
    ]:
        page.goto(f"{live_server.url}{path}")
        page.screenshot(path=str(artifacts / f"desk-a11y-{name}.png"), full_page=True)
        violations = axe_violations(page)
        assert not violations, f"{name}:\n{describe(violations)}"


ALL_IMPACTS = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def claim_with_money():
    """A claim in settlement with a cost line and an open settlement proposal: the money section
    shows its tables (the settlements' last column holds the decide link)."""
    from decimal import Decimal

    from claims.money.services import cost_line_add, settlement_propose
    from tests.factories import (
        PolicyholderFactory,
        UserFactory,
        category,
        claim_in_settlement,
        make_adjuster,
        make_policy,
        make_team_lead,
    )

    lead = make_team_lead("lead")
    adjuster = make_adjuster("adjuster", team_lead=lead)
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user, company_name="Pixel GmbH"),
                         created_by=lead)
    claim = claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster)
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("3000"),
                  payee_kind="policyholder", by=adjuster)
    settlement_propose(claim=claim, by=adjuster)
    return claim


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_the_claim_page_with_its_money_tables_has_no_axe_violation_of_any_impact(
    live_server, browser, artifacts, claim_with_money, locale
):
    """Every header cell has a text (the settlements' actions column and the inlines' first and
    last columns are named for screen readers), in both languages."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale)
    page = context.new_page()
    try:
        admin_login(page, live_server, "adjuster")
        page.goto(f"{live_server.url}/admin/claims/claim/{claim_with_money.pk}/change/")
        page.locator("#desk-tab-money").click()  # the money tab is loaded when first opened
        page.locator(".field-money_statement table.claim-table th").first.wait_for()
        page.screenshot(path=str(artifacts / f"desk-a11y-claim-money-{locale}.png"),
                        full_page=True)
        empty_headers = page.evaluate(
            "() => [...document.querySelectorAll('th')].filter("
            "(th) => !th.textContent.trim()).map((th) => th.outerHTML)")
        assert not empty_headers, empty_headers
        violations = axe_violations(page, impacts=ALL_IMPACTS)
        assert not violations, describe(violations)
    finally:
        context.close()
