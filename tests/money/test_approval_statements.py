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
