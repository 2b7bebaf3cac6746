"""The access log: every view of a claim and every document download by staff or a vendor is
one row (who, when, what), readable per claim and per person; lists write nothing; the
policyholder's own views are not logged."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from claims.models import ClaimDocument
from privacy.models import AccessLogEntry
from tests.factories import make_job

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def rows():
    return list(AccessLogEntry.objects.order_by("id").values_list(
        "user__username", "what", "channel", "claim_id", "document_id", "policyholder_id"))


def test_staff_views_and_downloads_are_logged_once_each(closed_claim, adjuster, holder):
    document = ClaimDocument.objects.filter(claim=closed_claim).first()
    client = browser(adjuster)

    assert client.get(f"/admin/claims/claim/{closed_claim.pk}/change/").status_code == 200
    response = client.get(f"/admin/claims/claim/{closed_claim.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert api(adjuster).get(f"/api/claims/{closed_claim.pk}/").status_code == 200

    assert rows() == [
        ("adj", "claim", "admin", closed_claim.pk, None, holder.pk),
        ("adj", "document", "admin", closed_claim.pk, document.pk, holder.pk),
        ("adj", "claim", "api", closed_claim.pk, None, holder.pk),
    ]


def test_list_pages_write_nothing(closed_claim, claimant_claim, adjuster):
    assert browser(adjuster).get("/admin/claims/claim/").status_code == 200
    assert api(adjuster).get("/api/claims/").status_code == 200
    assert rows() == []


def test_a_claim_view_costs_one_insert(closed_claim, adjuster):
    client = api(adjuster)
    client.get(f"/api/claims/{closed_claim.pk}/")  # warm up the session and caches

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/claims/{closed_claim.pk}/")
    inserts = [q["sql"] for q in queries.captured_queries if "privacy_accesslogentry" in q["sql"]]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")


def test_vendor_views_are_logged_and_the_policyholder_own_views_are_not(
    claimant_claim, organisation, vendor_user, holder_user
):
    job = make_job(claimant_claim, organisation, state="accepted")

    assert browser(vendor_user).get(f"/vendor/jobs/{job.pk}/").status_code == 200
    assert api(vendor_user).get(f"/api/vendor/jobs/{job.pk}").status_code == 200
    assert browser(vendor_user).get("/vendor/").status_code == 200  # the list: nothing
    assert browser(holder_user).get(f"/portal/claims/{claimant_claim.pk}/").status_code == 200

    assert [(user, channel) for user, _w, channel, *_rest in rows()] == [
        ("vendor.nord", "vendor_portal"), ("vendor.nord", "vendor_api")]


def test_an_administrator_reads_the_log_per_claim_and_per_person(
    closed_claim, claimant_claim, adjuster, privacy_admin, holder
):
    client = browser(adjuster)
    client.get(f"/admin/claims/claim/{closed_claim.pk}/change/")
    client.get(f"/admin/claims/claim/{claimant_claim.pk}/change/")

    admin = browser(privacy_admin)
    page = admin.get(f"/admin/privacy/accesslogentry/?claim__id__exact={closed_claim.pk}")
    assert page.status_code == 200 and page.context["cl"].result_count == 1
    page = admin.get(f"/admin/privacy/accesslogentry/?policyholder__id__exact={holder.pk}")
    assert page.context["cl"].result_count == 2  # both claims are hers
    claim_page = admin.get(f"/admin/claims/claim/{closed_claim.pk}/change/")
    assert b"Who viewed this claim (access log)" in claim_page.content

    by_claim = api(privacy_admin).get("/api/privacy/access-log/", {"claim": claimant_claim.pk})
    assert [row["user"] for row in by_claim.json()["results"]] == ["adj"]
    by_person = api(privacy_admin).get("/api/privacy/access-log/",
                                       {"claimant_email": "legal@client.example"})
    assert {row["claim_number"] for row in by_person.json()["results"]} == {
        claimant_claim.number}
    assert api(adjuster).get("/api/privacy/access-log/").status_code == 403
    assert browser(adjuster).get("/admin/privacy/accesslogentry/").status_code == 403
    assert api(privacy_admin).get("/api/privacy/access-log/", {"claim": "x"}).status_code == 400
