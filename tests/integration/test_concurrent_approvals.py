"""50 approvals at the same moment, each in its own thread and database connection, against one
insurance year whose annual aggregate covers only some of them."""

from __future__ import annotations

import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Sum

from claims.money.models import LedgerEntry, Settlement
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from policies.models import InsuranceYearAccount
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    category,
    claim_in_settlement,
    make_head_of_claims,
    make_policy,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
D = Decimal
APPROVALS = 50


def test_fifty_parallel_approvals_never_exceed_the_aggregate_and_none_is_lost():
    lead = make_head_of_claims("chief")  # authority without limit
    holder_user = UserFactory(username="holder")
    holder = PolicyholderFactory(user=holder_user)
    policy = make_policy(holder=holder, product="cyber", created_by=lead,
                         sections={"cyber_own_damage": "100000"})  # aggregate 200,000.00
    settlements = []
    for index in range(APPROVALS):
        claim = claim_in_settlement(policy, reporter=holder_user, adjuster=lead)
        cost_line_add(claim=claim, category=category("restoration"),
                      amount=D("6000.00") + index * D("97.13"), payee_kind="policyholder",
                      by=lead)
        settlements.append(settlement_propose(claim=claim, by=lead))
    demanded = sum(s.proposed_payable for s in settlements)
    account = InsuranceYearAccount.objects.get(pk=settlements[0].account_id)
    assert demanded > account.limit

    barrier = threading.Barrier(APPROVALS)
    outcomes: dict[int, object] = {}

    def approve(settlement):
        try:
            barrier.wait()
            outcomes[settlement.pk] = settlement_approve(settlement=settlement, by=lead)
        except Exception as error:  # recorded: the test fails on any lost approval
            outcomes[settlement.pk] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(s,)) for s in settlements]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    errors = {pk: o for pk, o in outcomes.items() if isinstance(o, Exception)}
    assert not errors, errors
    assert len(outcomes) == APPROVALS
    account.refresh_from_db()
    full = partial = refused = 0
    for settlement in settlements:
        result = Settlement.objects.get(pk=settlement.pk)
        if result.state == "approved" and result.approved_amount == settlement.proposed_payable:
            full += 1
        elif result.state == "approved":
            assert result.approved_amount < settlement.proposed_payable
            assert "aggregate" in result.limited_by
            partial += 1
        else:
            assert result.state == "refused"
            assert "annual aggregate" in result.refusal_reason
            refused += 1
    assert full + partial + refused == APPROVALS
    assert full > 0 and refused > 0 and partial <= 1
    ledger = LedgerEntry.objects.filter(account=account).aggregate(total=Sum("amount"))["total"]
    approved = Settlement.objects.filter(account=account, state="approved").aggregate(
        total=Sum("approved_amount"))["total"]
    assert account.committed <= account.limit
    assert account.committed == ledger == approved
    assert account.committed == account.limit  # the demand exceeds it: it is used up exactly
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert out.getvalue().startswith("Ledger OK")
