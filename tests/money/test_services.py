"""Cost lines, reserves, settlements, authority limits, payments and reversals through the
services, on real PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import ClaimState
from claims.money.models import (
    CostLine,
    LedgerEntry,
    Payment,
    ReserveChange,
    Settlement,
    SettlementState,
)
from claims.money.payees import payee_split
from claims.money.selectors import reserves_current, settlement_preview
from claims.money.services import (
    cost_line_add,
    interruption_assess,
    payment_execute,
    payments_sweep,
    reserve_set,
    reversal_record,
    settlement_approve,
    settlement_propose,
    settlement_refuse,
)
from config.models import AuditEntry, OutboxMessage
from policies.models import InsuranceYearAccount
from tests.factories import category, claim_in_settlement

D = Decimal
pytestmark = pytest.mark.django_db


def add(claim, code, amount, by, payee="policyholder", **extra):
    return cost_line_add(claim=claim, category=category(code), amount=D(amount),
                         payee_kind=payee, by=by, **extra)


def worked_example(claim, by):
    add(claim, "forensics", "8000.00", by)
    add(claim, "security_analysis", "4000.00", by)
    add(claim, "emergency_assistance", "1500.00", by)


def account_of(claim):
    claim.refresh_from_db()
    return InsuranceYearAccount.objects.get(pk=claim.coverage_account_id)


# --- cost lines and the preview -----------------------------------------------------------------

def test_preview_from_the_claims_lines_gives_the_worked_example(claim, adjuster):
    worked_example(claim, adjuster)

    result = settlement_preview(claim=claim)

    assert result.payable == D("11000.00")
    assert result.uncovered == D("1500.00")
    assert result.deductible == D("1000.00")
    assert result.limited_by == ("sublimit",)
    assert AuditEntry.objects.filter(action="money.cost_line_added", claim_id=claim.pk).count() == 3


def test_a_category_the_section_does_not_pay_is_refused(claim, adjuster):
    with pytest.raises(ClaimValidationError, match="does not pay"):
        add(claim, "damages", "100.00", adjuster)


def test_a_correction_needs_a_reason_and_cannot_go_below_zero(claim, adjuster):
    add(claim, "forensics", "800.00", adjuster)
    with pytest.raises(ClaimValidationError, match="reason"):
        add(claim, "forensics", "-100.00", adjuster)
    with pytest.raises(ClaimValidationError, match="more than the 800.00"):
        add(claim, "forensics", "-900.00", adjuster, reason="Invoice was lower")

    add(claim, "forensics", "-300.00", adjuster, reason="Invoice was lower")

    assert settlement_preview(claim=claim).claimed == D("500.00")


def test_cost_lines_and_ledger_rows_cannot_be_changed_in_the_database(claim, adjuster, chief):
    line = add(claim, "forensics", "5000.00", adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=chief)
    entry = LedgerEntry.objects.get(claim=claim)
    for statement in (
        f"UPDATE money_costline SET amount = 1 WHERE id = {line.pk}",
        f"DELETE FROM money_costline WHERE id = {line.pk}",
        f"UPDATE money_ledgerentry SET amount = 1 WHERE id = {entry.pk}",
        f"DELETE FROM money_ledgerentry WHERE id = {entry.pk}",
    ):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), \
                connection.cursor() as cursor:
            cursor.execute(statement)
    assert CostLine.objects.get(pk=line.pk).amount == D("5000.00")


def test_only_adjusters_add_cost_lines(claim, holder_user):
    with pytest.raises(PermissionDeniedError):
        add(claim, "forensics", "100.00", holder_user)


def test_the_vendor_is_paid_in_full_and_the_deductible_is_taken_from_the_insured(
        claim, adjuster):
    class Vendor:
        name = "Recover GmbH"

    add(claim, "forensics", "6000.00", adjuster, payee="vendor", vendor=Vendor(),
        source="vendor_invoice", source_job=17)
    add(claim, "restoration", "3000.00", adjuster)

    result = settlement_preview(claim=claim)
    split = payee_split(claim=claim, section=claim.coverage_section, result=result)

    assert result.payable == D("8000.00")
    assert [(s.payee_name, s.amount, s.deducted) for s in split.shares] == [
        ("Recover GmbH", D("6000.00"), D("0.00")),
        ("Pixel & Code GmbH", D("2000.00"), D("1000.00")),
    ]
    assert (split.deductible_owed, split.deducted, split.still_owed) == (
        D("0.00"), D("1000.00"), D("0.00"))
    assert CostLine.objects.get(payee_kind="vendor").source_job_id == 17


# --- reserves -----------------------------------------------------------------------------------

def test_the_current_reserve_is_derived_from_an_append_only_history(claim, adjuster):
    reserve_set(claim=claim, kind="loss", level=D("20000"), reason="First estimate", by=adjuster)
    reserve_set(claim=claim, kind="expense", level=D("3000"), reason="Forensics", by=adjuster)
    reserve_set(claim=claim, kind="loss", level=D("12000"), reason="Backups found", by=adjuster)

    current = reserves_current(claim=claim, section=claim.coverage_section)

    assert current == {"loss": D("12000.00"), "expense": D("3000.00")}
    history = list(ReserveChange.objects.filter(claim=claim, kind="loss"))
    assert [(r.previous_level, r.level) for r in history] == [
        (D("0.00"), D("20000.00")), (D("20000.00"), D("12000.00"))
    ]
    with pytest.raises(ClaimValidationError):
        reserve_set(claim=claim, kind="loss", level=D("1"), reason=" ", by=adjuster)
    with pytest.raises(ClaimValidationError):
        reserve_set(claim=claim, kind="loss", level=D("-1"), reason="x", by=adjuster)


# --- settlements and authority ------------------------------------------------------------------

def test_approving_commits_writes_the_ledger_and_payments_and_settles_the_claim(claim, adjuster):
    add(claim, "forensics", "5000.00", adjuster, payee="vendor", vendor="Forensik AG")
    add(claim, "restoration", "2000.00", adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    assert settlement.proposed_payable == D("6000.00")

    settlement = settlement_approve(settlement=settlement, by=adjuster)

    assert settlement.state == SettlementState.APPROVED
    assert settlement.approved_amount == D("6000.00")
    assert settlement.decided_by == adjuster
    claim.refresh_from_db()
    assert claim.state == ClaimState.SETTLED
    assert account_of(claim).committed == D("6000.00")
    entry = LedgerEntry.objects.get(claim=claim)
    assert (entry.kind, entry.amount) == ("commitment", D("6000.00"))
    payments = list(Payment.objects.filter(settlement=settlement))
    assert sum(p.amount for p in payments) == D("6000.00")
    assert {p.status for p in payments} == {"pending"}
    messages = OutboxMessage.objects.filter(task_name="money.payment_execute")
    assert sorted(m.kwargs["payment_id"] for m in messages) == sorted(p.pk for p in payments)
    assert AuditEntry.objects.filter(action="money.settlement_approved").count() == 1
    assert AuditEntry.objects.filter(action="claim.transition", to_value="settled").count() == 1


def test_above_the_adjusters_limit_the_settlement_waits_for_a_team_lead(claim, adjuster,
                                                                       team_lead):
    worked_example(claim, adjuster)  # 11,000.00 > the adjuster's 10,000.00
    settlement = settlement_propose(claim=claim, by=adjuster)

    settlement = settlement_approve(settlement=settlement, by=adjuster)

    assert settlement.state == SettlementState.PENDING_TEAM_LEAD
    assert settlement.escalated_by == adjuster
    assert account_of(claim).committed == D("0.00")
    assert not LedgerEntry.objects.exists()
    claim.refresh_from_db()
    assert claim.state == ClaimState.SETTLEMENT
    with pytest.raises(PermissionDeniedError, match="team lead"):
        settlement_approve(settlement=settlement, by=adjuster)

    settlement = settlement_approve(settlement=settlement, by=team_lead)

    assert settlement.state == SettlementState.APPROVED
    assert settlement.decided_by == team_lead
    assert account_of(claim).committed == D("11000.00")


def test_a_team_leads_own_limit_applies_too(holder, holder_user, adjuster, team_lead, chief):
    from tests.factories import make_policy

    policy = make_policy(holder=holder, product="cyber", created_by=team_lead,
                         sections={"cyber_own_damage": "250000"})
    claim = claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster)
    add(claim, "restoration", "150000.00", adjuster)  # payable 149,000.00
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=adjuster)
    assert settlement.state == SettlementState.PENDING_TEAM_LEAD

    with pytest.raises(PermissionDeniedError, match="above your approval limit of 100,000.00"):
        settlement_approve(settlement=settlement, by=team_lead)
    assert settlement_approve(settlement=settlement, by=chief).approved_amount == D("149000.00")


def test_a_team_lead_above_their_limit_escalates_a_fresh_proposal(claim, adjuster, team_lead):
    from tests.factories import set_limit

    set_limit(team_lead, "5000.00")
    add(claim, "restoration", "9000.00", adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=team_lead)
    assert settlement.state == SettlementState.PENDING_TEAM_LEAD


def test_the_aggregate_cuts_an_approval_and_then_refuses_with_a_reason(
    policy_100k, holder_user, adjuster, chief
):
    amounts = ["150000.00", "81000.00", "51000.00", "5000.00"]
    results = []
    for amount in amounts:
        claim = claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
        add(claim, "restoration", amount, adjuster)
        results.append(settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                          by=chief))

    assert [s.state for s in results] == ["approved", "approved", "approved", "refused"]
    assert [s.approved_amount for s in results[:3]] == [D("100000.00"), D("80000.00"),
                                                       D("20000.00")]
    assert results[0].limited_by == ["per_loss"]
    assert "aggregate" in results[2].limited_by
    assert "aggregate of the insurance year is exhausted" in results[3].refusal_reason
    account = InsuranceYearAccount.objects.get(pk=results[0].account_id)
    assert account.committed == account.limit == D("200000.00")
    out = _check_ledger()
    assert out.startswith("Ledger OK")


def test_a_settlement_cannot_be_approved_twice(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    settlement_approve(settlement=settlement, by=adjuster)

    with pytest.raises(TransitionConflict, match="already approved"):
        settlement_approve(settlement=settlement, by=adjuster)
    assert LedgerEntry.objects.count() == 1


def test_one_open_proposal_per_section_and_a_refusal_needs_a_reason(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    with pytest.raises(TransitionConflict, match="still open"):
        settlement_propose(claim=claim, by=adjuster)
    with pytest.raises(ClaimValidationError):
        settlement_refuse(settlement=settlement, by=adjuster, reason="")

    refused = settlement_refuse(settlement=settlement, by=adjuster, reason="Invoice disputed")

    assert refused.state == SettlementState.REFUSED
    assert settlement_propose(claim=claim, by=adjuster).state == SettlementState.PROPOSED


def test_business_interruption_takes_the_first_8_hours_as_deductible(claim, adjuster):
    bi = claim.policy.sections.get(module__code="cyber_bi")
    cost_line_add(claim=claim, category=category("interruption_loss"), amount=D("20000"),
                  payee_kind="policyholder", by=adjuster, section=bi)
    interruption_assess(claim=claim, section=bi, first_8_hours_loss=D("3200"), by=adjuster)
    assert settlement_preview(claim=claim, section=bi).payable == D("16800.00")

    interruption_assess(claim=claim, section=bi, first_8_hours_loss=D("400"), by=adjuster)
    assert settlement_preview(claim=claim, section=bi).payable == D("19000.00")


# --- payments -----------------------------------------------------------------------------------

def test_a_payment_task_run_twice_pays_once_and_the_last_payment_pays_the_claim(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster, payee="vendor", vendor="Forensik AG")
    add(claim, "restoration", "2000.00", adjuster)  # the insured receives 1,000.00 of it
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=adjuster)
    first, second = Payment.objects.filter(settlement=settlement).order_by("pk")

    payment_execute(payment_id=first.pk)
    payment_execute(payment_id=first.pk)
    claim.refresh_from_db()
    assert claim.state == ClaimState.SETTLED

    payment_execute(payment_id=second.pk)
    payment_execute(payment_id=second.pk)

    assert LedgerEntry.objects.filter(kind="payment").count() == 2
    assert {p.status for p in Payment.objects.all()} == {"paid"}
    claim.refresh_from_db()
    assert claim.state == ClaimState.PAID
    assert Settlement.objects.get(pk=settlement.pk).state == SettlementState.PAID
    assert _check_ledger().startswith("Ledger OK")


def test_the_sweep_enqueues_pending_payments_again(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)
    payment = Payment.objects.get()
    assert payments_sweep() == 0  # just enqueued
    Payment.objects.filter(pk=payment.pk).update(
        last_enqueued_at=timezone.now() - timedelta(minutes=10))

    assert payments_sweep() == 1

    payment.refresh_from_db()
    assert payment.attempts == 2
    assert OutboxMessage.objects.filter(task_name="money.payment_execute").count() == 2


def test_a_reversal_is_a_new_negative_entry_that_frees_the_aggregate(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)
    entry = LedgerEntry.objects.get()

    reversal = reversal_record(entry=entry, by=adjuster, reason="Recovered from the attacker")

    assert (reversal.kind, reversal.amount, reversal.reverses_id) == ("reversal", D("-2000.00"),
                                                                      entry.pk)
    assert LedgerEntry.objects.get(pk=entry.pk).amount == D("2000.00")
    assert account_of(claim).committed == D("0.00")
    assert Payment.objects.get().status == "cancelled"
    with pytest.raises(TransitionConflict, match="already reversed"):
        reversal_record(entry=entry, by=adjuster, reason="again")
    assert _check_ledger().startswith("Ledger OK")


# --- check_ledger -------------------------------------------------------------------------------

def _check_ledger() -> str:
    from io import StringIO

    out = StringIO()
    call_command("check_ledger", stdout=out, stderr=StringIO())
    return out.getvalue()


def test_check_ledger_exits_non_zero_on_a_breach_made_behind_the_services(claim, adjuster):
    add(claim, "forensics", "3000.00", adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)
    assert _check_ledger().startswith("Ledger OK")
    account = account_of(claim)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE policies_insuranceyearaccount SET committed = committed + 5 "
                       "WHERE id = %s", [account.pk])

    from io import StringIO

    out = StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("check_ledger", stdout=out, stderr=StringIO())

    assert exit_info.value.code == 1
    assert f"BREACH account {account.pk}" in out.getvalue()
    assert "committed 2005.00 != ledger sum 2000.00" in out.getvalue()
