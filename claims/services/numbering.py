"""Claim numbers: ``<year>-<sequence>`` (e.g. ``2026-00042``), one sequence per year.

The counter row is bumped with one ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``: the row lock
it takes is held until the reporting transaction ends, so two reports never get the same number,
and a report that rolls back gives its number back (no gaps).
"""

from __future__ import annotations

from django.db import connection

from claims.models import ClaimNumberCounter


def claim_number_next(*, year: int) -> str:
    table = connection.ops.quote_name(ClaimNumberCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (year, last) VALUES (%s, 1) "  # noqa: S608 - table name is ours
            f"ON CONFLICT (year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [year],
        )
        (sequence,) = cursor.fetchone()
    return f"{year}-{sequence:05d}"
