"""Claim numbers come from a PostgreSQL sequence per year: no report waits for another's
transaction, and numbers continue after those already given out."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from claims.models import ClaimNumberCounter
from claims.services.numbering import claim_number_next

YEAR = 2091  # a year of its own, so the tests do not meet other tests' sequences


@pytest.mark.django_db
def test_a_new_years_numbers_continue_after_the_last_one_given_out():
    ClaimNumberCounter.objects.create(year=YEAR, last=41)
    assert claim_number_next(year=YEAR) == f"{YEAR}-00042"
    assert claim_number_next(year=YEAR) == f"{YEAR}-00043"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_report_never_waits_for_another_reports_open_transaction():
    claim_number_next(year=YEAR + 1)  # the year's sequence exists (committed)
    drawn, release = threading.Event(), threading.Event()
    numbers = []

    def other_report():
        try:
            with transaction.atomic():
                numbers.append(claim_number_next(year=YEAR + 1))
                drawn.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_report)
    thread.start()
    try:
        assert drawn.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            numbers.append(claim_number_next(year=YEAR + 1))
    finally:
        release.set()
        thread.join()
    assert len(set(numbers)) == 2
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SEQUENCE IF EXISTS claims_claim_number_{YEAR + 1}")
