"""The money on the adjusters' claim page and policy page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from claims.money.models import CostLine, Settlement
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from tests.claims.desk_tabs import claim_page
from tests.factories import category
from tests.otp import staff_login

pytestmark = pytest.mark.django_db


def test_the_claim_page_shows_the_statement_and_adds_a_cost_line(client, claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("8000"),
                  payee_kind="policyholder", by=adjuster)
    staff_login(client, adjuster)

    text = claim_page(client, reverse("admin:claims_claim_change", args=[claim.pk]))

    assert "Settlement preview" in text
    assert "Payable €7,000.00" in text
    response = client.post(reverse("admin:money_cost_line_add", args=[claim.pk]), {
        "section": claim.coverage_section_id, "category": category("restoration").pk,
        "amount": "500.00", "payee_kind": "policyholder", "reason": "",
    })
    assert response.status_code == 302
    assert CostLine.objects.filter(claim=claim).count() == 2


def test_proposing_and_approving_from_the_claim_page(client, claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("3000"),
                  payee_kind="policyholder", by=adjuster)
    staff_login(client, adjuster)
    client.post(reverse("admin:money_settlement_propose", args=[claim.pk]),
                {"section": claim.coverage_section_id})
    settlement = Settlement.objects.get(claim=claim)

    response = client.post(
        reverse("admin:money_settlement_decide", args=[claim.pk, settlement.pk]),
        {"decision": "approve", "reason": ""})

    assert response.status_code == 302
    assert Settlement.objects.get(pk=settlement.pk).state == "approved"


def test_the_policy_page_shows_committed_and_paid_per_insurance_year(
    client, claim, adjuster, chief
):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("3000"),
                  payee_kind="policyholder", by=adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)
    staff_login(client, chief)

    page = client.get(reverse("admin:policies_policy_change", args=[claim.policy_id]))

    text = page.content.decode()
    assert "Paid (EUR)" in text
    assert "2,000.00" in text
