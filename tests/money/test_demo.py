"""The demo money loads after the other demos, and loading it again adds nothing."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from claims.money.models import CostLine, LedgerEntry, Settlement

pytestmark = pytest.mark.django_db


def test_demo_money_shows_every_settlement_state_and_is_idempotent():
    call_command("demo_data", stdout=StringIO())
    counts = (CostLine.objects.count(), LedgerEntry.objects.count())
    states = set(Settlement.objects.values_list("state", flat=True))

    call_command("demo_data", stdout=StringIO())

    assert {"pending_team_lead", "paid"} <= states
    assert states & {"approved", "paid"}
    assert (CostLine.objects.count(), LedgerEntry.objects.count()) == counts
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert out.getvalue().startswith("Ledger OK")


def test_demo_money_v2_shows_each_new_rule():
    from claims.models import Claim
    from claims.money.models import InterruptionAssessment as Assessment
    from claims.money.selectors import insured_share
    from demo.money_v2 import DEFENDED, LARGE, LOST_KEY, TWO_SECTIONS

    out = StringIO()
    call_command("demo_data", stdout=out)

    assert "claimsmanager" in out.getvalue() and "headofclaims" in out.getvalue()
    lost_key = Claim.objects.get(description=LOST_KEY)
    assert insured_share(claim=lost_key).still_owed == Decimal("1000.00")
    two = Claim.objects.get(description=TWO_SECTIONS)
    assert Assessment.objects.filter(claim=two).exists()
    assert two.settlements.filter(state="paid").count() == 2
    defended = Claim.objects.get(description=DEFENDED)
    assert defended.state == "closed"
    assert defended.payments.get().amount == Decimal("4300.00")
    large = Claim.objects.get(description=LARGE)
    assert large.settlements.get().decided_by.username == "claimsmanager"
    check = StringIO()
    call_command("check_ledger", stdout=check)
    assert check.getvalue().startswith("Ledger OK")


def test_demo_financials_show_a_recovery_a_reissue_and_a_run_off():
    from claims.models import Claim
    from claims.money.financials import claim_financials
    from claims.money.models import Payment, Recovery
    from demo.financials import RUN_OFF, SUBROGATION, VOIDED

    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())  # idempotent

    subrogation = Claim.objects.get(description=SUBROGATION)
    assert Recovery.objects.get(claim=subrogation).kind == "subrogation"
    assert claim_financials(claim=subrogation)["total"]["recovered"] == Decimal("4000.00")
    voided = Claim.objects.get(description=VOIDED)
    old = Payment.objects.get(claim=voided, status="voided")
    assert old.reissued_as.status == "paid"
    assert voided.state == "paid"
    closed = Claim.objects.get(description=RUN_OFF)
    assert closed.state == "closed"
    assert claim_financials(claim=closed)["total"]["outstanding_reserve"] == Decimal("0.00")
    assert closed.reserves.filter(created_by=None).exists()  # run off by the payment
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert out.getvalue().startswith("Ledger OK")


def test_the_demo_has_a_report_received_through_the_api_and_registered_once():
    from claims.models import ReportReceipt
    from demo.receipts import DESCRIPTION

    call_command("demo_data", stdout=StringIO())
    call_command("demo_data", stdout=StringIO())  # idempotent

    [receipt] = ReportReceipt.objects.filter(description=DESCRIPTION)
    assert receipt.status == ReportReceipt.Status.REGISTERED
    assert receipt.claim.description == DESCRIPTION
