"""The SQL one settlement approval runs (issue 17: at most 11 statements): the approver's authority,
the locks, the claim's money book, the ledger with the payments, the activity templates, the
policyholder's language and one batch of the other rows (the claim's state among them)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from claims.money.models import SettlementState
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from tests.factories import category

pytestmark = pytest.mark.django_db

MAX_STATEMENTS = 11  # BEGIN/COMMIT and savepoints are not counted by Django


def test_one_approval_runs_at_most_eleven_sql_statements(claim, adjuster):
    cost_line_add(claim=claim, category=category("restoration"), amount=Decimal("5000.00"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    adjuster = type(adjuster).objects.get(pk=adjuster.pk)  # a fresh login, as in a request

    with CaptureQueriesContext(connection) as captured:
        settlement = settlement_approve(settlement=settlement, by=adjuster)

    assert settlement.state == SettlementState.APPROVED
    statements = [query["sql"] for query in captured.captured_queries
                  if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= MAX_STATEMENTS, "\n".join(
        [f"{len(statements)} statements:", *(sql[:160] for sql in statements)]
    )


def _claim_rows_updated() -> int:
    """Rows of ``claims_claim`` updated so far in this transaction (PostgreSQL's own count)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_get_xact_tuples_updated('claims_claim'::regclass)")
        return cursor.fetchone()[0]


def test_an_approval_writes_the_claims_row_once_and_its_next_due_stays_exact(claim, adjuster):
    """The claim's row carries many indexes: the approval writes it once, its new state and its
    next due time together, and the next due time is still the earliest open activity (the one
    the settled state opens; the settlement state's are completed)."""
    from django.db.models import Min

    from claims.models import Activity, Claim

    cost_line_add(claim=claim, category=category("restoration"), amount=Decimal("5000.00"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    before = _claim_rows_updated()
    settlement_approve(settlement=settlement, by=adjuster)
    assert _claim_rows_updated() - before == 1
    stored = Claim.objects.values_list("state", "next_due_at").get(pk=claim.pk)
    open_due = Activity.objects.filter(claim=claim, completed_at__isnull=True).aggregate(
        due=Min("due_at"))["due"]
    assert stored == ("settled", open_due)
    assert open_due is not None
    assert not Activity.objects.filter(claim=claim, completed_at__isnull=True,
                                       opened_in_state="settlement").exists()
