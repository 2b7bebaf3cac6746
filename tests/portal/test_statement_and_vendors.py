"""The claim page shows the settlement statement once a settlement is approved, and the vendors'
progress updates marked visible to the policyholder (and no others)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from claims.vendors.models import VendorProgressUpdate
from coverage.models import CostCategory
from tests.factories import make_job, make_org, make_vendor_user, walk

pytestmark = pytest.mark.django_db


def _line(claim, code, amount, by, **extra):
    cost_line_add(claim=claim, category=CostCategory.objects.get(code=code),
                  amount=Decimal(amount), payee_kind=extra.pop("payee", "policyholder"), by=by,
                  **extra)


def _page(portal, claim) -> str:
    return portal.get(reverse("portal:claim", args=[claim.pk])).content.decode()


def test_the_settlement_statement_appears_once_approved(portal, my_claim, adjuster, team_lead):
    walk(my_claim, adjuster, "start_liability_check", "start_settlement")
    _line(my_claim, "forensics", "8000.00", adjuster, payee="vendor", vendor="Forensik AG")
    _line(my_claim, "security_analysis", "4000.00", adjuster)
    _line(my_claim, "emergency_assistance", "1500.00", adjuster)
    settlement = settlement_propose(claim=my_claim, by=adjuster)
    assert "Settlement statement" not in _page(portal, my_claim)  # a proposal is internal

    settlement_approve(settlement=settlement, by=team_lead)
    page = _page(portal, my_claim)
    assert "Settlement statement" in page
    assert "Security analysis and security improvements" in page
    assert "sublimit €2,500.00" in page
    assert "A sublimit per loss event applied" in page
    assert "€11,000.00" in page  # the seed's worked example: payable
    assert "Your deductible" in page and "€1,000.00" in page
    assert "Forensik AG" in page  # who is paid
    assert "How we calculated it" in page


def test_only_visible_vendor_progress_is_shown(portal, my_claim, adjuster):
    walk(my_claim, adjuster, "start_liability_check")
    organisation = make_org("Alpha Forensik", "forensics", panel=True)
    vendor = make_vendor_user("vendor.a", organisation)
    job = make_job(my_claim, organisation, state="in_progress")
    VendorProgressUpdate.objects.create(job=job, percent=40, text="Servers imaged.",
                                        visible_to_policyholder=True, author=vendor)
    VendorProgressUpdate.objects.create(job=job, percent=50, text="Internal: attacker IP found.",
                                        visible_to_policyholder=False, author=vendor)
    page = _page(portal, my_claim)
    assert "Servers imaged." in page
    assert "by Alpha Forensik: 40 % done" in page
    assert "attacker IP" not in page
