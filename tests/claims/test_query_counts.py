"""Every list and page runs a fixed number of queries, whatever the number of rows: each is loaded
with a book of one row and of fifty or more (the bench's seeded book, ``bench/seed.py``) under
the same ceiling, so an N+1 fails here."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.seed import seed
from claims.models import Activity, Claim, ClaimNote
from claims.vendors.models import VendorJob
from policies.models import Policy

pytestmark = pytest.mark.django_db

SMALL, LARGE = 1, 150  # claims in the book: one row, or more than a page of 50


@pytest.fixture(autouse=True)
def _own_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "query-count-tests"}}
    cache.clear()


def book(size: int) -> dict:
    """The seeded book; every policy is the bench policyholder's and every job the bench
    vendor's, so each list has as many rows as the book allows."""
    who = seed(size, verbose=False)
    holder = who["holder"].policyholder
    Policy.objects.filter(number__startswith="BP-").update(policyholder=holder)
    organisation = who["vendor"].vendor_membership.organisation
    if not VendorJob.objects.exists():  # the one-claim book has no vendor job: commission one
        claim = Claim.objects.get()
        VendorJob.objects.create(
            claim=claim, organisation=organisation, service_id=_any_service(),
            requested_at=timezone.now(), state="in_progress", progress_percent=10,
        )
    VendorJob.objects.update(organisation=organisation)
    return who


def _any_service() -> int:
    from claims.vendors.models import VendorService

    return VendorService.objects.order_by("pk").values_list("pk", flat=True).first()


def queries(client, url: str, *, expect: int = 200) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == expect, (url, response.status_code)
    return len(captured.captured_queries)


# The ceilings: the same for one row and for a full page (what each needs today, plus two for
# the session and middleware of tomorrow; an N+1 adds fifty).
LISTS = [
    ("lead", "/admin/claims/claim/", 12),
    ("lead", "/admin/claims/claim/?q=seeded", 12),
    ("lead", "/admin/claims/claim/?queue=awaiting", 12),
    ("lead", "/admin/claims/claim/?assigned_adjuster__id__exact=1&o=10", 12),
    ("lead", "/api/claims/", 7),
    ("lead", "/api/claims/?search=B-&state=mitigation&reported_after=2020-01-01", 7),
    ("holder", "/api/me/claims/", 7),
    ("holder", "/api/me/policies/", 11),
    ("holder", "/portal/", 10),
    ("vendor", "/api/vendor/jobs", 7),
    ("vendor", "/vendor/", 8),
]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["1 row", "50 rows"])
@pytest.mark.parametrize(("role", "url", "ceiling"), LISTS, ids=[item[1] for item in LISTS])
def test_every_list_runs_a_fixed_number_of_queries(client, size, role, url, ceiling):
    who = book(size)
    client.force_login(who[role])
    assert queries(client, url) <= ceiling


def _claim_with_rows(who: dict, rows: int) -> Claim:
    """The bench policyholder's claim in mitigation (with a vendor job), with ``rows`` extra
    notes, activities and vendor jobs."""
    claim = Claim.objects.filter(vendor_jobs__isnull=False).order_by("pk").first()
    lead = who["lead"]
    now = timezone.now()
    job = claim.vendor_jobs.order_by("pk").first()
    VendorJob.objects.bulk_create(
        VendorJob(claim=claim, organisation_id=job.organisation_id, service_id=job.service_id,
                  requested_at=now, state="requested")
        for _ in range(rows - 1)
    )
    ClaimNote.objects.bulk_create(
        ClaimNote(claim=claim, author=lead, text=f"Note {index}", visibility="policyholder")
        for index in range(rows)
    )
    Activity.objects.bulk_create(
        Activity(claim=claim, title=f"Task {index}", due_at=now, completed_at=now,
                 completed_by=lead)
        for index in range(rows)
    )
    return claim


PAGES = [
    # the desk: the summary at the top (cover per year, reserves, paid, incurred, activities),
    # and the overview, reading the page's rows once (claims.desk.reads), and one more for the
    # content types the first page of a process reads; each other tab when it is first opened
    # (claims.desk.tabs), and the whole page at once (the tabs' link without JavaScript)
    ("lead", "/admin/claims/claim/{claim}/change/", 21),
    ("lead", "/admin/claims/claim/{claim}/tab/money/", 16),
    ("lead", "/admin/claims/claim/{claim}/tab/vendors/", 9),
    ("lead", "/admin/claims/claim/{claim}/tab/documents/", 10),
    ("lead", "/admin/claims/claim/{claim}/tab/questions/", 9),
    ("lead", "/admin/claims/claim/{claim}/tab/history/", 9),
    ("lead", "/admin/claims/claim/{claim}/change/?tabs=all", 30),
    ("lead", "/api/claims/{claim}/", 6),
    ("holder", "/api/me/claims/{claim}/", 6),
    ("holder", "/portal/claims/{claim}/", 13),
    ("vendor", "/api/vendor/jobs/{job}", 7),
    ("vendor", "/vendor/jobs/{job}/", 7),
]


@pytest.mark.parametrize("rows", [1, 50], ids=["1 row", "50 rows"])
@pytest.mark.parametrize(("role", "url", "ceiling"), PAGES, ids=[item[1] for item in PAGES])
def test_every_page_runs_a_fixed_number_of_queries(client, rows, role, url, ceiling):
    who = book(LARGE)
    claim = _claim_with_rows(who, rows)
    job = claim.vendor_jobs.order_by("pk").first()
    client.force_login(who[role])
    assert queries(client, url.format(claim=claim.pk, job=job.pk)) <= ceiling
