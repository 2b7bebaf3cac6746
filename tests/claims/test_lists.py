"""The adjusters' claim list at scale: search over every column a person types, day filters in
local time, and counts that never scan the whole table."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from claims.models import Claim
from claims.pagination import bounded_count
from tests.factories import report

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_client(client, adjuster):
    client.force_login(adjuster)
    return client


def numbers(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["number"] for row in response.json()["results"]}


def test_search_finds_a_claim_by_number_description_claimant_policy_or_policyholder(
        lead_client, cyber_policy, itl_policy, holder_user):
    ransom = report(cyber_policy, holder_user, description="Files encrypted by LockBit")
    missed = report(itl_policy, holder_user, code="missed_deadline", days_ago=30,
                    description="Deadline for the tax office missed", claimant_name="Huber KG")
    search = "/api/claims/?search="
    assert numbers(lead_client.get(search + "lockbit")) == {ransom.number}
    assert numbers(lead_client.get(search + "huber")) == {missed.number}
    assert numbers(lead_client.get(search + ransom.number)) == {ransom.number}
    assert numbers(lead_client.get(search + itl_policy.number)) == {missed.number}
    assert numbers(lead_client.get(search + "pixel")) == {ransom.number, missed.number}
    assert numbers(lead_client.get(search + "pixel deadline")) == {missed.number}  # every word
    assert numbers(lead_client.get(search + "%")) == set()  # a wildcard is a plain character
    assert numbers(lead_client.get(search + "_")) == set()


def test_the_search_follows_renames_and_edits_whoever_writes_them(
        lead_client, cyber_policy, holder_user):
    """What the search looks in is kept by the database: a policyholder renamed, a policy
    renumbered, a claim's description edited (by a service, a full save or a plain update) are
    found by the new words and no longer by the old."""
    from policies.models import Policy, Policyholder

    claim = report(cyber_policy, holder_user, description="Files encrypted by LockBit",
                   claimant_name="Huber KG")
    search = "/api/claims/?search="
    holder = cyber_policy.policyholder
    Policyholder.objects.filter(pk=holder.pk).update(company_name="Zebrafink Systems GmbH")
    assert numbers(lead_client.get(search + "zebrafink")) == {claim.number}
    assert numbers(lead_client.get(search + "pixel")) == set()

    Policy.objects.filter(pk=cyber_policy.pk).update(number="CY-RENUMBERED-7")
    assert numbers(lead_client.get(search + "renumbered")) == {claim.number}

    stale = Claim.objects.get(pk=claim.pk)
    stale.description = "Mailbox taken over"
    stale.save()  # a full save, with what it read before the renames in memory
    assert numbers(lead_client.get(search + "mailbox zebrafink")) == {claim.number}
    assert numbers(lead_client.get(search + "lockbit")) == set()

    Claim.objects.filter(pk=claim.pk).update(claimant_name="Meier OHG")
    assert numbers(lead_client.get(search + "meier")) == {claim.number}
    assert numbers(lead_client.get(search + "huber")) == set()


def test_a_word_is_found_within_one_field_not_across_two(lead_client, cyber_policy,
                                                          holder_user):
    claim = report(cyber_policy, holder_user, description="Servers down since Monday",
                   claimant_name="Huber KG")
    search = "/api/claims/?search="
    assert numbers(lead_client.get(search + "monday")) == {claim.number}
    assert numbers(lead_client.get(search + "mondayhuber")) == set()
    assert numbers(lead_client.get(search + "monday huber")) == {claim.number}


def test_the_admin_search_finds_the_same_claims(lead_client, cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, description="Files encrypted by LockBit")
    page = lead_client.get("/admin/claims/claim/?q=lockbit").content.decode()
    assert claim.number in page
    assert claim.number not in lead_client.get("/admin/claims/claim/?q=nothing-like-it"
                                               ).content.decode()


def test_reported_after_and_before_are_local_days(lead_client, cyber_policy, holder_user):
    tz = timezone.get_current_timezone()
    # 00:30 in Berlin is the evening before in UTC: the local day counts.
    just_after_midnight = timezone.make_aware(datetime(2026, 3, 10, 0, 30), tz)
    claim = report(cyber_policy, holder_user, days_ago=1, now=just_after_midnight,
                   loss_date=just_after_midnight.date() - timedelta(days=1))
    url = "/api/claims/?reported_after={}&reported_before={}"
    assert numbers(lead_client.get(url.format("2026-03-10", "2026-03-10"))) == {claim.number}
    assert numbers(lead_client.get(url.format("2026-03-09", "2026-03-09"))) == set()
    assert numbers(lead_client.get(url.format("2026-03-11", "2026-03-12"))) == set()


def test_counts_are_exact_when_small_and_estimated_when_large(cyber_policy, holder_user):
    for index in range(3):
        report(cyber_policy, holder_user, description=f"incident number {index}", days_ago=index)
    assert bounded_count(Claim.objects.all()) == (3, False)
    count, estimated = bounded_count(Claim.objects.all(), exact_up_to=2)
    assert estimated and count >= 3
    assert bounded_count(Claim.objects.filter(pk__in=[])) == (0, False)  # no row can match
    annotated = Claim.objects.annotate(n=Count("activities")).filter(n__gte=0).distinct()
    assert bounded_count(annotated) == (3, False)


def test_the_api_says_whether_its_count_is_exact(lead_client, reported_claim):
    body = lead_client.get("/api/claims/").json()
    assert body["count"] == 1 and body["count_is_estimate"] is False


def test_the_vendor_portal_lists_jobs_fifty_a_page(client):
    from claims.vendors.models import VendorJob
    from tests.claims.test_query_counts import book

    who = book(200)
    total = VendorJob.objects.count()
    assert total > 50
    client.force_login(who["vendor"])
    first = client.get("/vendor/").content.decode()
    second = client.get("/vendor/?page=2").content.decode()
    assert first.count('href="/vendor/jobs/') == 50 and 'rel="next"' in first
    assert second.count('href="/vendor/jobs/') == total - 50 and 'rel="prev"' in second
    assert f"{total} jobs" in first
