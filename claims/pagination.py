"""Pagination that never counts the whole table.

Below ``EXACT_UP_TO`` matching rows the count is exact, from a count over at most that many rows
(``SELECT count(*) FROM (... LIMIT n)``), so small result sets and the last pages are right. Above
it the count is PostgreSQL's estimate for the query (``EXPLAIN``), which costs a plan and no
scan. The API says which it is (``count_is_estimate``); the admin shows it as the total.
"""

from __future__ import annotations

import json
from functools import cached_property

from django.core.paginator import Paginator
from django.db import connections
from rest_framework.response import Response

from claims.api.pagination import StrictPageNumberPagination

EXACT_UP_TO = 1000


def estimated_count(queryset) -> int:
    """The planner's estimate of the rows ``queryset`` returns."""
    query = queryset.order_by().values("pk").query
    compiler = query.get_compiler(using=queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def bounded_count(queryset, *, exact_up_to: int = EXACT_UP_TO) -> tuple[int, bool]:
    """(count, is_estimate): exact below ``exact_up_to`` rows, else the planner's estimate."""
    if not hasattr(queryset, "query"):  # a list
        return len(queryset), False
    exact = queryset.order_by().values("pk")[: exact_up_to + 1].count()
    if exact <= exact_up_to:
        return exact, False
    return max(estimated_count(queryset), exact), True


class EstimatedCountPaginator(Paginator):
    """A Django paginator whose ``count`` is ``bounded_count`` (admin lists, API lists)."""

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
    """The API's page-number pagination (``?page=``, 50 per page) with a bounded count."""

    django_paginator_class = EstimatedCountPaginator

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
