"""A payment and the account's lock (issue 17): paying one claim never waits for an approval
that holds the insurance-year account of another claim, while approvals still exclude each other
on it. Real threads, real connections, committed data (so ``transaction=True``)."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, transaction

from claims.money.models import Payment
from claims.money.services import payment_execute
from claims.money.services.common import lock_accounts
from tests.factories import claim_in_settlement
from tests.money.test_financials import account_of, settle_and_pay
from tests.money.test_services import add
from tests.threads import started_on_another_connection

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _while_the_account_is_locked(account_id: int, action) -> list[object]:
    """Hold the account's row lock (as an approval on another claim does) while ``action`` runs
    on another connection, which gives up after waiting 2 s for a lock; what it returned."""
    def waiting_at_most_2_s():
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
        return action()

    with transaction.atomic():
        lock_accounts([account_id])
        thread, outcome = started_on_another_connection(waiting_at_most_2_s)
        thread.join(timeout=30)
        assert not thread.is_alive()
    return outcome


def test_a_payment_does_not_wait_for_an_approval_on_the_same_account(
    policy_100k, holder_user, adjuster, team_lead
):
    claim = claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
    add(claim, "restoration", "4000.00", adjuster)
    settlement = settle_and_pay(claim, team_lead, pay=False)
    payment = Payment.objects.get(settlement=settlement, status="pending")

    outcome = _while_the_account_is_locked(
        account_of(claim).pk, lambda: payment_execute(payment_id=payment.pk))

    assert isinstance(outcome[0], Payment), outcome  # before: the lock timed out (2 s)
    payment.refresh_from_db()
    assert payment.status == "paid"
    assert account_of(claim).committed == settlement.approved_amount  # a payment commits nothing


def test_approvals_on_the_same_account_still_wait_for_each_other(
    policy_100k, holder_user, adjuster, team_lead
):
    claim = claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
    account_id = account_of(claim).pk

    def lock_it():
        with transaction.atomic():
            return lock_accounts([account_id])

    outcome = _while_the_account_is_locked(account_id, lock_it)

    assert isinstance(outcome[0], OperationalError), outcome  # lock_timeout: it had to wait
