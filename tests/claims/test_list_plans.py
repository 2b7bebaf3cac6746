"""The claim lists' query is planned once per connection, not at every request.

Statements are prepared by the server; PostgreSQL keeps one generic plan for a prepared statement
only when it costs no more than the plans made for each execution's values. The lists read each
claim's open information requests and open event suggestions through partial indexes
(``status = 'open'``), which a generic plan can use only when the status is written into the
statement (``config.sql.Constant``); bound as a parameter, every request planned the query again.
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection, transaction
from django.db.models import Q
from psycopg.sql import Literal

from claims.admin.claim import ClaimAdminBase
from claims.events.claim_events import with_claim_events
from claims.models import Claim, InformationRequest
from claims.selectors import claims_for_queue, with_open_information
from config.sql import Constant

pytestmark = pytest.mark.django_db

def _generic_plan(queryset) -> str:
    """The plan PostgreSQL keeps for ``queryset``'s statement once prepared (a generic plan: made
    without its parameters' values), as JSON text. Sequential scans are ruled out, so that on the
    test's few rows the plan shows which indexes the statement could use."""
    sql, params = queryset.query.get_compiler(using="default").as_sql()
    numbers = iter(range(1, len(params) + 1))
    numbered = re.sub("%s", lambda match: f"${next(numbers)}", sql)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"PREPARE claim_list AS {numbered}")
        try:
            values = ", ".join(
                Literal(str(value) if isinstance(value, str) else value).as_string(
                    cursor.connection) for value in params)
            cursor.execute(f"EXPLAIN (FORMAT JSON) EXECUTE claim_list({values})")
            return json.dumps(cursor.fetchone()[0])
        finally:
            cursor.execute("DEALLOCATE claim_list")


@pytest.mark.parametrize("who", ["admin", "api"])
def test_the_claim_lists_generic_plan_reads_the_open_rows_by_their_indexes(who):
    """The admin's list and the API's: their open information requests are read through the
    partial index on the open requests, also in the one plan kept, and no status is left for
    the plan to take as an unknown value."""
    queryset = with_claim_events(claims_for_queue())
    if who == "admin":
        queryset = queryset.only(*ClaimAdminBase.LIST_FIELDS)
    plan = _generic_plan(queryset.order_by("-emergency", "reported_at", "id")[:50])
    assert "inforequest_open_by_claim_idx" in plan
    assert not re.search(r"status\)::text = \$\d", plan)


def test_a_constant_is_written_into_the_sql():
    query = with_open_information(Claim.objects.all()).filter(
        Q(state=Constant("reported")) | Q(pk=Constant(7)))
    sql, params = query.query.get_compiler(using="default").as_sql()
    assert "= ('open')" in sql and "= ('reported')" in sql and "= (7)" in sql
    assert InformationRequest.Status.OPEN not in params and "reported" not in params


@pytest.mark.parametrize("value", ["it's", "a b", "x;--", 1.5, None, b"open"])
def test_only_plain_constants_are_written_into_the_sql(value):
    with pytest.raises(ValueError, match="cannot be written into SQL"):
        Constant(value)
