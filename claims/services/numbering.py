"""Claim numbers: ``<year>-<sequence>`` (e.g. ``2026-00042``), one sequence per year.

Each year has a PostgreSQL SEQUENCE (``claims_claim_number_<year>``): ``nextval`` takes no row
lock, so concurrent reports never queue behind each other's transaction (the counter row they
used to bump stayed locked until commit). Two reports never get the same number; a report that
rolls back leaves a gap, as sequences do. The year's sequence is created on first use, starting
after the highest number already given out that year (the old counter row or the claims), so
numbers continue where they left off.
"""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction

from claims.models import ClaimNumberCounter


def _sequence(year: int) -> str:
    return f"claims_claim_number_{int(year)}"


def _last_given(cursor, year: int) -> int:
    counter = ClaimNumberCounter.objects.filter(year=year).values_list("last", flat=True).first()
    cursor.execute(
        "SELECT max(substring(number FROM '^[0-9]{4}-([0-9]+)$')::bigint) FROM claims_claim "
        "WHERE number LIKE %s",
        [f"{int(year)}-%"],
    )
    (highest,) = cursor.fetchone()
    return max(counter or 0, highest or 0)


def claim_number_next(*, year: int) -> str:
    name = _sequence(year)
    with connection.cursor() as cursor:
        for _attempt in range(3):
            # One statement on every report but the year's first.
            cursor.execute("SELECT nextval(to_regclass(%s))", [name])  # NULL: no sequence yet
            (sequence,) = cursor.fetchone()
            if sequence is not None:
                return f"{year}-{sequence:05d}"
            try:  # the year's first report: create its sequence
                with transaction.atomic(savepoint=True):
                    start = _last_given(cursor, year) + 1
                    cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} START WITH {start}")
            except DatabaseError:  # created at the same moment by another report
                pass
    raise DatabaseError(f"Could not draw a claim number for {year}.")
