"""Pagination that never counts the whole table.

Below ``EXACT_UP_TO`` matching rows the count is exact, from a count over at most that many rows
(``SELECT count(*) FROM (... LIMIT n)``), so small result sets and the last pages are right. Above
it the count is PostgreSQL's estimate for the query (``EXPLAIN``), which costs a plan and no
scan. The API says which it is (``count_is_estimate``); the admin shows it as the total.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from rest_framework.response import Response

from claims.api.pagination import StrictPageNumberPagination
from config.statements import Prepared

EXACT_UP_TO = 1000


def _keys_sql(queryset) -> tuple[str, list]:
    """The SQL of the keys of ``queryset``'s rows, unordered (no ORDER BY, no LIMIT)."""
    sql, params = queryset.order_by().values("pk").query.get_compiler(
        using=queryset.db).as_sql()
    return sql, list(params)


def _estimate(cursor, sql: str, params: list) -> int:
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset, *, exact_up_to: int = EXACT_UP_TO) -> tuple[int, bool]:
    """(count, is_estimate): exact below ``exact_up_to`` rows, else the planner's estimate.
    Both come from one compiled statement (the keys' SELECT), counted up to ``exact_up_to`` + 1
    rows and, past that, explained."""
    if not hasattr(queryset, "query"):  # a list
        return len(queryset), False
    try:
        sql, params = _keys_sql(queryset)
    except EmptyResultSet:  # a condition no row can meet (``pk__in=[]``, ``none()``)
        return 0, False
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({sql} LIMIT {int(exact_up_to) + 1}) AS bounded",
                       params)
        exact = cursor.fetchone()[0]
        if exact <= exact_up_to:
            return exact, False
        return max(_estimate(cursor, sql, params), exact), True


class PageRead:
    """The rows of a list's page in two statements: the keys of the page's rows, then the rows.

    A list's queryset is the same for every request but its filters, order and page (the work-
    queue figures, the cyber events, the related rows the columns show: ``build()``), and
    compiling all of it cost more Python than running it (1.7 ms for the admin's claim list,
    2.3 ms for the API's). Here only the keys of the page are selected by the request's own
    query (filters, order and slice, without the joins and subqueries: quick to compile), and the
    rows with everything else are read by their keys through a statement compiled once per
    connection (``config.statements.Prepared``; the keys padded to the page size, so one
    statement serves every page). The rows come back in the keys' order; a row deleted between
    the two statements is left out, as if it had been deleted just before the page was read."""

    def __init__(self, build: Callable[[], QuerySet]) -> None:
        self._read = Prepared(lambda p: build().filter(pk__in=p.ints("keys")).order_by())

    def rows(self, page: QuerySet, size: int) -> list:
        keys = list(page.values_list("pk", flat=True))
        if not keys:
            return []
        if len(keys) > size:  # more than a page (never in a paginated list): in one statement
            return list(page)
        padded = keys + [keys[-1]] * (size - len(keys))
        found = {row.pk: row for row in self._read.all(keys=padded)}
        return [found[key] for key in keys if key in found]


class EstimatedCountPaginator(Paginator):
    """A Django paginator whose ``count`` is ``bounded_count`` (admin lists, API lists); with a
    ``page_read``, a page's rows are read by it (``PageRead``)."""

    def __init__(self, *args, page_read: PageRead | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.page_read = page_read

    def _get_page(self, object_list, number, paginator):
        if self.page_read is not None and isinstance(object_list, QuerySet):
            object_list = self.page_read.rows(object_list, self.per_page)
        return super()._get_page(object_list, number, paginator)

    @cached_property
    def _bounded(self) -> tuple[int, bool]:
        return bounded_count(self.object_list)

    @cached_property
    def count(self) -> int:
        return self._bounded[0]

    @property
    def count_is_estimate(self) -> bool:
        return self._bounded[1]

    def validate_number(self, number):
        """Past an estimated count, a page is served (maybe empty) rather than refused."""
        if not self.count_is_estimate:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            return super().validate_number(number)
        return super().validate_number(number) if number < 1 else number


class EstimatedCountPagination(StrictPageNumberPagination):
    """The API's page-number pagination (``?page=``, 50 per page) with a bounded count; a view
    with a ``page_read`` has its page's rows read by it."""

    _page_read: PageRead | None = None

    def django_paginator_class(self, queryset, page_size) -> EstimatedCountPaginator:
        return EstimatedCountPaginator(queryset, page_size, page_read=self._page_read)

    def paginate_queryset(self, queryset, request, view=None):
        self._page_read = getattr(view, "page_read", None)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response({
            "count": self.page.paginator.count,
            "count_is_estimate": self.page.paginator.count_is_estimate,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count_is_estimate"] = {
            "type": "boolean",
            "description": "True when the count is PostgreSQL's estimate (more than "
                           f"{EXACT_UP_TO} rows match), false when it is exact.",
        }
        return response
