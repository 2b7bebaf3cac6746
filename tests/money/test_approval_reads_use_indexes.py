"""An approval's reads under the account's lock find their rows through indexes, whatever the
size of the book (issue 17): the loss event's ledger and the accounts it locks. With ``IN
(<subquery>)`` conditions joined by OR, PostgreSQL tested every row of the ledger and of the
accounts against the subqueries: 26 ms and 12 ms an approval on the 50,000-claim bench book,
held under the account's lock (0.4 and 0.2 ms now)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection, transaction

from claims.money.book import event_ledger
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from claims.money.services.common import event_accounts
from tests.factories import category

pytestmark = pytest.mark.django_db


def plan(queryset) -> str:
    """The plan PostgreSQL makes when it may not read a table whole (where an index can serve,
    it uses it; where none can, the plan still reads the table and tests each row)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
        return queryset.explain()


@pytest.fixture
def approved(claim, adjuster):
    cost_line_add(claim=claim, category=category("restoration"), amount=Decimal("3000.00"),
                  payee_kind="policyholder", by=adjuster)
    return settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                              by=adjuster)


def test_the_loss_events_ledger_is_read_through_the_ledgers_indexes(approved):
    text = plan(event_ledger(approved.claim_id))
    assert "hashed SubPlan" not in text, text  # no row-by-row test of the whole ledger
    assert "Seq Scan on money_ledgerentry" not in text, text
    assert "money_ledgerentry_claim_id" in text and "money_ledgerentry_settlement_id" in text


def test_the_accounts_an_approval_locks_are_found_through_their_key(approved):
    text = plan(event_accounts(approved.claim_id, approved.account_id))
    assert "hashed SubPlan" not in text, text  # no row-by-row test of every account
    assert "Index Cond" in text, text
