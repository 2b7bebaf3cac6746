"""Claim financials (issue 14): reserves that run off, close and reopen; incurred at every level;
recoveries of each kind; cancelling and voiding payments with the claim's state afterwards."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import ClaimState
from claims.money.financials import (
    CLOSE_REASON,
    claim_figures,
    claim_financials,
    policy_financials,
    product_financials,
)
from claims.money.models import LedgerEntry, Payment, Recovery, Settlement, SettlementState
from claims.money.selectors import reserves_current
from claims.money.services import (
    deductible_receivable_settle,
    payment_execute,
    reserve_set,
    reversal_record,
    settlement_approve,
    settlement_propose,
)
from claims.money.services.recoveries import recovery_create, recovery_record
from claims.money.services.voids import payment_void
from claims.services.transitions import claim_transition
from config.models import AuditEntry
from coverage.models import Module
from policies.models import InsuranceYearAccount
from tests.money.test_services import add

D = Decimal
pytestmark = pytest.mark.django_db


def ledger_ok() -> str:
    out = StringIO()
    call_command("check_ledger", stdout=out, stderr=StringIO())
    return out.getvalue()


def settle_and_pay(claim, by, *, pay=True):
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=by), by=by)
    if pay:
        for payment in Payment.objects.filter(settlement=settlement, status="pending"):
            payment_execute(payment_id=payment.pk)
    claim.refresh_from_db()
    return Settlement.objects.get(pk=settlement.pk)


def account_of(claim):
    claim.refresh_from_db()
    return InsuranceYearAccount.objects.get(pk=claim.coverage_account_id)


def totals(claim):
    return claim_financials(claim=claim)["total"]


# --- reserves -----------------------------------------------------------------------------------

def test_reserves_run_off_with_payments_by_cost_type(claim, adjuster):
    reserve_set(claim=claim, kind="loss", level=D("9000"), reason="Estimate", by=adjuster)
    reserve_set(claim=claim, kind="expense", level=D("2000"), reason="Forensics", by=adjuster)
    add(claim, "forensics", "1500.00", adjuster, payee="vendor", vendor="Forensik AG")
    add(claim, "restoration", "4000.00", adjuster)  # the insured gets 3,000.00 (deductible 1,000)

    settle_and_pay(claim, adjuster)

    assert reserves_current(claim=claim, section=claim.coverage_section) == {
        "loss": D("6000.00"), "expense": D("500.00")}
    fig = totals(claim)
    assert fig["paid"] == D("4500.00")
    assert fig["outstanding_reserve"] == D("6500.00")
    assert fig["incurred"] == D("11000.00")
    assert AuditEntry.objects.filter(action="money.reserve_changed", actor=None).count() == 2


def test_closing_sets_reserves_to_zero_and_reopening_restores_them(claim, adjuster):
    reserve_set(claim=claim, kind="loss", level=D("9000"), reason="Estimate", by=adjuster)
    add(claim, "restoration", "3000.00", adjuster)
    settle_and_pay(claim, adjuster)
    assert claim.state == ClaimState.PAID

    claim_transition(claim=claim, transition="close", by=adjuster)

    claim.refresh_from_db()
    assert claim.closed_at is not None
    assert reserves_current(claim=claim, section=claim.coverage_section)["loss"] == D("0.00")
    row = claim.reserves.order_by("-id").first()
    assert (row.reason, row.previous_level, row.created_by) == (CLOSE_REASON, D("7000.00"),
                                                               adjuster)
    assert totals(claim)["incurred"] == D("2000.00")
    assert AuditEntry.objects.filter(action="money.reserve_changed",
                                     reason=CLOSE_REASON).count() == 1

    claim_transition(claim=claim, transition="reopen", by=adjuster, reason="New invoice")

    claim.refresh_from_db()
    assert claim.closed_at is None
    assert reserves_current(claim=claim, section=claim.coverage_section)["loss"] == D("7000.00")
    assert totals(claim)["incurred"] == D("9000.00")


def test_incurred_per_claim_section_policy_year_and_product(claim, adjuster, policy_100k,
                                                            holder_user):
    from tests.factories import claim_in_settlement

    reserve_set(claim=claim, kind="loss", level=D("5000"), reason="Estimate", by=adjuster)
    add(claim, "restoration", "3000.00", adjuster)
    settle_and_pay(claim, adjuster)  # paid 2,000, reserve 3,000
    other = claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
    reserve_set(claim=other, kind="expense", level=D("700"), reason="Lawyer", by=adjuster)

    per_claim = claim_financials(claim=claim)
    assert [s["incurred"] for s in per_claim["sections"]] == [D("5000.00")]
    assert per_claim["sections"][0]["label"] == claim.coverage_section.module.name
    policy = policy_financials(policy=policy_100k)
    assert policy["total"]["incurred"] == D("5700.00")
    assert policy["total"]["claims"] == 2
    [year] = policy["years"]
    assert (year["insurance_year"], year["claims"], year["paid"]) == (
        claim.coverage_insurance_year, 2, D("2000.00"))
    [product] = product_financials()
    assert (product["claims"], product["incurred"]) == (2, D("5700.00"))
    annotated = {c.pk: c for c in claim_figures(policy_100k.claims.all())}
    assert annotated[claim.pk].fin_incurred == D("5000.00")
    assert annotated[other.pk].fin_incurred == D("700.00")


# --- recoveries ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["subrogation", "salvage", "ransom"])
def test_a_recovery_has_an_expected_amount_received_amounts_and_a_write_off(claim, adjuster, kind):
    add(claim, "restoration", "6000.00", adjuster)
    settle_and_pay(claim, adjuster)  # paid 5,000.00
    recovery = recovery_create(claim=claim, kind=kind, counterparty="SoftVendor AG",
                               expected=D("3000.00"), by=adjuster)

    recovery_record(recovery=recovery, how="received", amount=D("1000.00"), by=adjuster)
    recovery_record(recovery=recovery, how="written_off", by=adjuster, reason="Insolvent")

    kinds = list(LedgerEntry.objects.filter(recovery=recovery).values_list("kind", "amount"))
    assert kinds == [("recovery_reserve", D("3000.00")), ("recovery_received", D("-1000.00")),
                     ("recovery_written_off", D("-2000.00"))]
    fig = totals(claim)
    assert (fig["recovered"], fig["recovery_reserve"], fig["incurred"]) == (
        D("1000.00"), D("0.00"), D("4000.00"))
    assert account_of(claim).committed == D("5000.00")  # default: no reinstatement
    with pytest.raises(TransitionConflict):
        recovery_record(recovery=recovery, how="received", amount=D("1"), by=adjuster)
    assert ledger_ok().startswith("Ledger OK")


def test_a_recovery_reinstates_the_aggregate_where_the_catalogue_says_so(claim, adjuster):
    Module.objects.filter(pk=claim.coverage_section.module_id).update(
        recoveries_reinstate_aggregate=True)
    add(claim, "restoration", "6000.00", adjuster)
    settle_and_pay(claim, adjuster)
    recovery = recovery_create(claim=claim, kind="subrogation", counterparty="SoftVendor AG",
                               expected=D("3000.00"), by=adjuster)
    with pytest.raises(ClaimValidationError, match="more than that"):
        recovery_record(recovery=recovery, how="received", amount=D("3000.01"), by=adjuster)

    recovery_record(recovery=recovery, how="received", amount=D("2500.00"), by=adjuster)

    assert account_of(claim).committed == D("2500.00")
    assert ledger_ok().startswith("Ledger OK")
    # What the claim committed is unchanged: its costs are not settled a second time.
    from claims.money.selectors import committed_on_claim
    assert committed_on_claim(claim=claim, section=claim.coverage_section) == D("5000.00")


def test_check_ledger_flags_a_reinstatement_the_catalogue_does_not_allow(claim, adjuster):
    from claims.money.ledger import ledger_post
    from claims.services.tx import business_action

    add(claim, "restoration", "6000.00", adjuster)
    settle_and_pay(claim, adjuster)
    recovery = recovery_create(claim=claim, kind="salvage", counterparty="Buyer",
                               expected=D("500.00"), by=adjuster)
    with business_action():
        ledger_post(account=account_of(claim), claim_id=claim.pk,
                    settlement_id=recovery.settlement_id, recovery=recovery,
                    kind="aggregate_reinstated", amount=D("-100.00"), idempotency_key="x")
    with pytest.raises(SystemExit):
        call_command("check_ledger", stdout=StringIO(), stderr=StringIO())


def test_the_deductible_collected_from_the_insured_counts_as_recovered(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster, payee="vendor", vendor="Forensik AG")
    settle_and_pay(claim, adjuster)  # vendor paid 3,000 in full, 1,000 owed by the insured
    assert totals(claim)["incurred"] == D("3000.00")

    deductible_receivable_settle(claim=claim, how="received", reason="Transfer", by=adjuster)

    fig = totals(claim)
    assert (fig["paid"], fig["recovered"], fig["incurred"]) == (
        D("3000.00"), D("1000.00"), D("2000.00"))
    assert not Recovery.objects.exists()


def test_a_recovery_needs_an_approved_settlement_and_a_counterparty(claim, adjuster):
    with pytest.raises(TransitionConflict):
        recovery_create(claim=claim, kind="salvage", counterparty="X", expected=D("1"),
                        by=adjuster)
    add(claim, "restoration", "6000.00", adjuster)
    settle_and_pay(claim, adjuster)
    with pytest.raises(ClaimValidationError):
        recovery_create(claim=claim, kind="salvage", counterparty=" ", expected=D("1"),
                        by=adjuster)
    with pytest.raises(ClaimValidationError):
        recovery_create(claim=claim, kind="lottery", counterparty="X", expected=D("1"),
                        by=adjuster)


# --- void and cancel ----------------------------------------------------------------------------

def test_a_paid_payment_voided_and_reissued_to_the_right_payee(claim, adjuster):
    reserve_set(claim=claim, kind="loss", level=D("5000"), reason="Estimate", by=adjuster)
    add(claim, "restoration", "4000.00", adjuster)
    settlement = settle_and_pay(claim, adjuster)
    assert claim.state == ClaimState.PAID
    paid = Payment.objects.get(settlement=settlement)

    new = payment_void(payment=paid, reason="Wrong IBAN: paid to the wrong company",
                       by=adjuster, reissue_to="Pixel & Code GmbH (Sparkasse)")

    paid.refresh_from_db()
    claim.refresh_from_db()
    assert paid.status == "voided" and paid.void_reason.startswith("Wrong IBAN")
    assert (new.status, new.amount, new.replaces_id) == ("pending", D("3000.00"), paid.pk)
    assert claim.state == ClaimState.SETTLED
    assert account_of(claim).committed == D("3000.00")
    fig = totals(claim)
    assert (fig["paid"], fig["outstanding_reserve"]) == (D("0.00"), D("5000.00"))

    payment_execute(payment_id=new.pk)

    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID
    assert totals(claim)["paid"] == D("3000.00")
    assert ledger_ok().startswith("Ledger OK")
    assert AuditEntry.objects.filter(action="money.payment_voided").count() == 1


def test_a_voided_payment_without_reissue_sends_the_claim_back_to_settlement(claim, adjuster):
    add(claim, "restoration", "4000.00", adjuster)
    settlement = settle_and_pay(claim, adjuster)
    payment = Payment.objects.get(settlement=settlement)

    payment_void(payment=payment, reason="Bank return: account closed", by=adjuster)

    claim.refresh_from_db()
    settlement = Settlement.objects.get(pk=settlement.pk)
    assert claim.state == ClaimState.SETTLEMENT
    assert settlement.state == SettlementState.VOIDED
    assert account_of(claim).committed == D("0.00")
    assert ledger_ok().startswith("Ledger OK")
    again = settle_and_pay(claim, adjuster)
    assert again.approved_amount == D("3000.00")
    assert claim.state == ClaimState.PAID


def test_a_pending_payment_cancelled_keeps_the_rest_due(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster, payee="vendor", vendor="Forensik AG")
    add(claim, "restoration", "2000.00", adjuster)
    settlement = settle_and_pay(claim, adjuster, pay=False)
    vendor, insured = Payment.objects.filter(settlement=settlement).order_by("pk")

    payment_void(payment=vendor, reason="Invoice disputed", by=adjuster)

    vendor.refresh_from_db()
    claim.refresh_from_db()
    assert vendor.status == "cancelled"
    assert claim.state == ClaimState.SETTLEMENT  # the cancelled part is settled again
    assert not LedgerEntry.objects.filter(kind="payment_voided").exists()
    payment_execute(payment_id=insured.pk)
    settlement = Settlement.objects.get(pk=settlement.pk)
    assert settlement.state == SettlementState.PAID
    assert ledger_ok().startswith("Ledger OK")


def test_void_needs_a_reason_authority_and_an_open_claim(claim, adjuster, team_lead):
    from tests.factories import set_limit

    add(claim, "restoration", "4000.00", adjuster)
    settlement = settle_and_pay(claim, adjuster)
    payment = Payment.objects.get(settlement=settlement)
    with pytest.raises(ClaimValidationError):
        payment_void(payment=payment, reason=" ", by=adjuster)
    set_limit(adjuster, "1000.00")
    with pytest.raises(PermissionDeniedError, match="approval limit"):
        payment_void(payment=payment, reason="Bank return", by=adjuster)
    claim_transition(claim=claim, transition="close", by=team_lead)
    with pytest.raises(TransitionConflict, match="reopen"):
        payment_void(payment=payment, reason="Bank return", by=team_lead)
    payment.refresh_from_db()
    assert payment.status == "paid"


def test_a_reversed_commitment_does_not_leave_the_claim_stuck_in_settled(claim, adjuster):
    add(claim, "restoration", "4000.00", adjuster)
    settle_and_pay(claim, adjuster, pay=False)
    entry = LedgerEntry.objects.get(kind="commitment")

    reversal_record(entry=entry, by=adjuster, reason="Paid by another insurer")

    claim.refresh_from_db()
    assert claim.state == ClaimState.SETTLEMENT
