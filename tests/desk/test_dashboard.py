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


@pytest.mark.parametrize("url", ["admin:index", "api:desk"])
def test_the_start_page_needs_the_same_queries_for_3_and_12_claims(
    client, people, url, django_assert_max_num_queries
):
    """The start page and its figures in the API: a fixed number of queries."""
    lead, adjuster = people
    client.force_login(adjuster)
    _claims(3, lead, adjuster)
    with django_assert_max_num_queries(80) as few:
        client.get(reverse(url))
    _claims(9, lead, adjuster)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(url))


def test_a_policyholders_message_waits_in_the_queue_until_someone_answers(client, people):
    """``Claim.unanswered_message`` follows the notes: the policyholder's message marks the
    claim (the queue and the start page count it), an answer clears it, and a note written later
    with an older time changes nothing."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    from claims.models import Claim, ClaimNote
    from claims.services.documents import note_add

    lead, adjuster = people
    claim = _claims(1, lead, adjuster)[0]
    holder = claim.policy.policyholder.user
    client.force_login(adjuster)
    queue = reverse("admin:claims_claim_changelist") + "?queue=messages"

    def waiting() -> bool:
        return Claim.objects.get(pk=claim.pk).unanswered_message

    assert not waiting()
    note_add(claim=claim, text="Any news?", author=holder,
             visibility=ClaimNote.Visibility.POLICYHOLDER)
    assert waiting()
    assert claim.number in client.get(queue).content.decode()
    assert client.get(reverse("admin:index")).context["desk"]["queues"]["messages"] == 1

    with connection.cursor() as cursor:  # a note of three days ago, written now (a data fix)
        cursor.execute("INSERT INTO claims_claimnote (claim_id, author_id, text, visibility, "
                       "created_at) VALUES (%s, %s, 'Old call note', 'internal', %s)",
                       [claim.pk, adjuster.pk, timezone.now() - timedelta(days=3)])
    assert waiting()  # not the latest note
    note_add(claim=claim, text="We are on it.", author=adjuster,
             visibility=ClaimNote.Visibility.POLICYHOLDER)
    assert not waiting()
    assert claim.number not in client.get(queue).content.decode()
    assert client.get(reverse("admin:index")).context["desk"]["queues"]["messages"] == 0


def test_the_charts_are_kept_a_minute_and_the_users_own_queues_stay_live(
    client, people, settings, locmem_cache, django_assert_max_num_queries
):
    """The charts and the queues that are the same for everyone sum the whole book: kept in the
    cache (DASHBOARD_CHARTS_SECONDS, DASHBOARD_QUEUES_SECONDS), the charts said to be as of
    when; the user's own queues are counted on every visit."""
    from claims.models import Claim

    settings.DASHBOARD_CHARTS_SECONDS = 60
    settings.DASHBOARD_QUEUES_SECONDS = 10
    lead, adjuster = people
    claims = _claims(2, lead, adjuster)
    client.force_login(adjuster)
    with django_assert_max_num_queries(80) as first:
        page = client.get(reverse("admin:index"))
    assert "Charts as of" in page.content.decode()
    queues = page.context["desk"]["queues"]
    assert (queues["mine"], queues["unassigned"]) == (0, 2)

    Claim.objects.filter(pk__in=[c.pk for c in claims]).update(assigned_adjuster=adjuster)
    _claims(1, lead, adjuster)
    with django_assert_max_num_queries(len(first.captured_queries) - 7):
        again = client.get(reverse("admin:index"))
    queues = again.context["desk"]["queues"]
    assert queues["mine"] == 2  # counted now
    assert queues["unassigned"] == 2  # as it was a moment ago
    assert sum(row["total"] for row in again.context["desk"]["by_state"]) == 2

    settings.DASHBOARD_QUEUES_SECONDS = 0
    assert client.get(reverse("admin:index")).context["desk"]["queues"]["unassigned"] == 1


def test_the_api_gives_the_start_pages_figures(client, people):
    """``GET /api/desk/``: the same queues and charts as the start page, as JSON."""
    lead, adjuster = people
    claims = _claims(3, lead, adjuster)
    client.force_login(adjuster)

    desk = client.get(reverse("api:desk")).json()

    assert desk["queues"]["unassigned"] == 3
    assert desk["queues"]["messages"] == 0
    assert {"mine", "emergencies", "overdue", "overdue_activities", "approvals"} <= set(
        desk["queues"])
    by_state = {row["state"]: row for row in desk["by_state"]}
    assert by_state["liability_check"]["total"] == 3
    assert by_state["liability_check"]["fresh"] == 3
    assert sum(week["reported"] for week in desk["reported_per_week"]) == 3
    assert desk["largest_exposures"][0] == {"id": claims[-1].pk, "number": claims[-1].number,
                                            "exposure": "3000.00"}
    assert desk["charts_as_of"]


def test_the_api_lists_a_work_queue(client, people):
    """``GET /api/claims/?queue=messages``: the admin's work queues in the API; a queue that
    does not exist is a 400 naming the parameter."""
    from claims.models import ClaimNote
    from claims.services.documents import note_add

    lead, adjuster = people
    waiting, quiet = _claims(2, lead, adjuster)
    note_add(claim=waiting, text="Any news?", author=waiting.policy.policyholder.user,
             visibility=ClaimNote.Visibility.POLICYHOLDER)
    client.force_login(adjuster)

    listed = client.get(reverse("api:claims"), {"queue": "messages"}).json()["results"]
    assert [row["id"] for row in listed] == [waiting.pk]
    assert len(client.get(reverse("api:claims"), {"queue": "open"}).json()["results"]) == 2
    refused = client.get(reverse("api:claims"), {"queue": "later"})
    assert refused.status_code == 400
    assert "queue" in refused.json()["error"]["fields"]
