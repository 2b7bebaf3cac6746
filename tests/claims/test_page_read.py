"""The claim lists read a page in two statements (``claims.pagination.PageRead``): the keys by
the request's filters, order and page, then the rows with everything the columns show by a
statement compiled once per connection, so a request compiles only the short keys query."""

from __future__ import annotations

import pytest
from django.db.models.sql.compiler import SQLCompiler

from claims.models import Claim
from claims.pagination import PageRead
from tests.factories import report
from tests.otp import staff_login

pytestmark = pytest.mark.django_db


def test_a_page_is_read_in_the_order_of_its_keys(cyber_policy, holder_user):
    claims = [report(cyber_policy, holder_user) for _ in range(3)]
    read = PageRead(lambda: Claim.objects.select_related("policy"))
    page = Claim.objects.order_by("-pk")[:2]
    rows = read.rows(page, 50)
    assert [row.pk for row in rows] == [claims[2].pk, claims[1].pk]  # not padded, in order
    assert rows[0].policy.number == cyber_policy.number  # what the read selects with it
    assert read.rows(Claim.objects.filter(pk=-1), 50) == []


@pytest.fixture
def compiled(monkeypatch):
    """The SQL of the statements compiled from here on."""
    statements = []
    as_sql = SQLCompiler.as_sql

    def counting(self, *args, **kwargs):
        sql, params = as_sql(self, *args, **kwargs)
        statements.append(sql)
        return sql, params

    monkeypatch.setattr(SQLCompiler, "as_sql", counting)
    return statements


def _rows_statements(statements: list[str]) -> list[str]:
    return [sql for sql in statements if 'AS "open_information_due"' in sql
            and sql.lstrip().startswith("SELECT")]


@pytest.mark.parametrize("url", ["/admin/claims/claim/", "/api/claims/"])
def test_the_claim_lists_compile_their_rows_statement_once(client, url, compiled, adjuster,
                                                           cyber_policy, holder_user):
    claims = [report(cyber_policy, holder_user) for _ in range(3)]
    staff_login(client, adjuster)
    first = client.get(url)
    assert first.status_code == 200
    compiled.clear()
    again = client.get(url)
    assert again.status_code == 200
    assert _rows_statements(compiled) == []  # the rows' statement was not compiled again
    body = again.content.decode()
    assert all(claim.number in body for claim in claims)
