"""The admin's start page: queues and charts from aggregate queries, each number a link."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from claims.money.services import reserve_set
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    make_adjuster,
    make_policy,
    make_team_lead,
    report,
    walk,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    lead = make_team_lead("lead")
    return lead, make_adjuster("adjuster", team_lead=lead)


def _claims(n, lead, adjuster):
    holder_user = UserFactory()
    policy = make_policy(holder=PolicyholderFactory(user=holder_user), created_by=lead)
    claims = []
    for i in range(n):
        claim = walk(report(policy, holder_user, days_ago=1 + i), adjuster,
                     "start_liability_check")
        reserve_set(claim=claim, section=claim.coverage_section, kind="loss",
                    level=Decimal(1000 * (i + 1)), reason="First estimate", by=adjuster)
        claims.append(claim)
    return claims


def test_the_start_page_shows_queues_and_charts_with_links(client, people):
    lead, adjuster = people
    claims = _claims(3, lead, adjuster)
    client.force_login(adjuster)

    page = client.get(reverse("admin:index")).content.decode()

    assert 'id="desk-dashboard"' in page
    for title in ("Open claims by state and age", "Claims reported per week",
                  "Paid and incurred per month", "Aggregate used per product and insurance year",
                  "Ten largest open exposures", "Waiting for my approval",
                  "Messages from policyholders"):
        assert title in page
    assert "?state=liability_check" in page
    assert reverse("admin:claims_claim_change", args=[claims[-1].pk]) in page
    assert "3,000.00" in page  # the largest exposure
    assert "style=" not in page[page.index('id="desk-dashboard"'):page.index("</section>\n</div>")]


def test_the_start_page_needs_the_same_queries_for_3_and_12_claims(
    client, people, django_assert_max_num_queries
):
    lead, adjuster = people
    client.force_login(adjuster)
    _claims(3, lead, adjuster)
    with django_assert_max_num_queries(80) as few:
        client.get(reverse("admin:index"))
    _claims(9, lead, adjuster)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:index"))
