"""The claim's event where adjusters work: the claim page's summary (linked, or "probably part
of" with confirm and reject), the claim list's "Event" column and filter, and the claims API."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from claims.events.models import EventClaim, EventSuggestion
from claims.events.services import event_claims_link, event_suggest
from config.models import AuditEntry
from tests.factories import report

pytestmark = pytest.mark.django_db

LIST = "/admin/claims/claim/"


def change_url(claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


@pytest.fixture
def linked_claim(event, adjuster, cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, code="hacking", description="Mail server down.")
    event_claims_link(event=event, claims=[claim], by=adjuster)
    return claim


@pytest.fixture
def suggested_claim(event, adjuster, cyber_policy, holder_user):
    claim = report(cyber_policy, holder_user, code="ransomware", days_ago=0,
                   description="Everything encrypted by LockBridge.")
    event_suggest(event=event, by=adjuster)
    assert EventSuggestion.objects.filter(claim=claim, status="open").exists()
    return claim


@pytest.fixture
def unrelated_claim(cyber_policy, holder_user):
    # A stolen laptop long before the event: not part of it, not suggested.
    return report(cyber_policy, holder_user, code="hacking", days_ago=40,
                  description="A laptop was stolen from the car.")


def test_the_claim_page_shows_the_event_the_claim_is_part_of(client, adjuster, event,
                                                            linked_claim):
    client.force_login(adjuster)
    page = client.get(change_url(linked_claim)).content.decode()
    dashboard = reverse("admin:events_cyberevent_dashboard", args=[event.pk])
    card = page[page.index('id="desk-events"'):]
    assert f'<a href="{dashboard}">{event.name}</a>' in card[:1500]
    assert "desk-flag-event" in page
    assert 'id="event-confirm-' not in page  # nothing to decide


def test_the_claim_page_offers_to_confirm_a_suggested_event(client, adjuster, event,
                                                           suggested_claim):
    client.force_login(adjuster)
    page = client.get(change_url(suggested_claim)).content.decode()
    suggestion = EventSuggestion.objects.get(claim=suggested_claim)
    confirm = reverse("admin:events_cyberevent_decide", args=[event.pk, suggestion.pk, "confirm"])
    assert "mentions &#x27;LockBridge&#x27;" in page
    assert f'form="event-confirm-{suggestion.pk}"' in page  # the summary's button ...
    form_at = page.index(f'<form id="event-confirm-{suggestion.pk}"')  # ... names this form,
    assert f'action="{confirm}"' in page[form_at:form_at + 300]
    assert page.rindex("</form>", 0, form_at) > page.index('id="claim_form"')  # outside it
    response = client.post(confirm, {"back": "claim"})
    assert response.status_code == 302 and response.url == change_url(suggested_claim)
    link = EventClaim.objects.get(event=event, claim=suggested_claim)
    assert link.source == "suggestion"
    assert AuditEntry.objects.filter(action="event.suggestion_confirmed",
                                     claim_id=suggested_claim.pk).exists()
    page = client.get(change_url(suggested_claim)).content.decode()
    assert "desk-flag-event" in page and f"event-confirm-{suggestion.pk}" not in page


def test_rejecting_on_the_claim_page_keeps_the_reason_and_returns_to_the_claim(
        client, adjuster, event, suggested_claim):
    client.force_login(adjuster)
    suggestion = EventSuggestion.objects.get(claim=suggested_claim)
    response = client.post(
        reverse("admin:events_cyberevent_decide", args=[event.pk, suggestion.pk, "reject"]),
        {"back": "claim", "reason": "A different gang, per the forensics report."})
    assert response.status_code == 302 and response.url == change_url(suggested_claim)
    suggestion.refresh_from_db()
    assert suggestion.status == "rejected"
    assert suggestion.decision_reason == "A different gang, per the forensics report."
    page = client.get(change_url(suggested_claim)).content.decode()
    assert 'id="desk-events"' not in page


def test_a_policyholder_cannot_decide_a_suggestion(client, holder_user, event, suggested_claim):
    client.force_login(holder_user)
    suggestion = EventSuggestion.objects.get(claim=suggested_claim)
    client.post(reverse("admin:events_cyberevent_decide",
                        args=[event.pk, suggestion.pk, "confirm"]), {"back": "claim"})
    suggestion.refresh_from_db()
    assert suggestion.status == "open"


def test_the_claim_list_shows_the_event_column(client, adjuster, event, linked_claim,
                                               suggested_claim, unrelated_claim):
    client.force_login(adjuster)
    page = client.get(LIST).content.decode()
    dashboard = reverse("admin:events_cyberevent_dashboard", args=[event.pk])
    assert "column-cyber_event" in page
    rows = {claim.number: page[page.index(claim.number):].split("</tr>")[0]
            for claim in (linked_claim, suggested_claim, unrelated_claim)}
    assert f'<a href="{dashboard}">{event.name}</a>' in rows[linked_claim.number]
    assert "claim-event-suggested" not in rows[linked_claim.number]
    assert "claim-event-suggested" in rows[suggested_claim.number]
    assert dashboard in rows[suggested_claim.number]
    assert dashboard not in rows[unrelated_claim.number]


@pytest.mark.parametrize(("value", "expected"), [
    ("{event}", {"linked"}), ("any", {"linked"}), ("suggested", {"suggested"}),
    ("none", {"suggested", "unrelated"}),
])
def test_the_claim_list_filters_by_event(client, adjuster, event, linked_claim,
                                         suggested_claim, unrelated_claim, value, expected):
    client.force_login(adjuster)
    claims = {"linked": linked_claim, "suggested": suggested_claim,
              "unrelated": unrelated_claim}
    response = client.get(LIST, {"event": value.format(event=event.pk)})
    assert response.status_code == 200
    shown = {name for name, claim in claims.items()
             if f">{claim.number}</a>" in response.content.decode()}
    assert shown == expected


def test_the_event_filter_names_the_events_and_refuses_garbage(client, adjuster, event):
    client.force_login(adjuster)
    page = client.get(LIST).content.decode()
    assert f"?event={event.pk}" in page and event.name in page
    response = client.get(LIST, {"event": "drop table"})
    assert response.status_code == 302 and "e=1" in response.url


def test_the_claim_list_with_events_runs_a_fixed_number_of_queries(
        client, adjuster, event, cyber_policy, holder_user):
    client.force_login(adjuster)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(LIST).status_code == 200
        return len(captured.captured_queries)

    first = report(cyber_policy, holder_user, code="hacking", description="Down.")
    event_claims_link(event=event, claims=[first], by=adjuster)
    few = count()
    more = [report(cyber_policy, holder_user, code="hacking", description=f"Down {n}.")
            for n in range(12)]
    event_claims_link(event=event, claims=more[:6], by=adjuster)
    for claim in more[6:]:
        EventSuggestion.objects.create(event=event, claim=claim, reasons=["by hand"])
    assert count() == few


def test_the_claims_api_shows_the_claims_events(adjuster, event, linked_claim,
                                                suggested_claim, unrelated_claim):
    client = APIClient()
    client.force_authenticate(adjuster)
    linked = client.get(f"/api/claims/{linked_claim.pk}/").json()
    assert linked["events"] == [{"id": event.pk, "name": event.name, "source": "bulk"}]
    assert linked["event_suggestions"] == []
    suggested = client.get(f"/api/claims/{suggested_claim.pk}/").json()
    suggestion = EventSuggestion.objects.get(claim=suggested_claim)
    assert suggested["events"] == []
    assert suggested["event_suggestions"] == [{
        "suggestion": suggestion.pk, "id": event.pk, "name": event.name,
        "reasons": suggestion.reasons}]
    listed = {row["number"]: row for row in client.get("/api/claims/").json()["results"]}
    assert listed[unrelated_claim.number]["events"] == []
    assert listed[linked_claim.number]["events"][0]["id"] == event.pk
    decided = client.post(f"/api/events/{event.pk}/suggestions/{suggestion.pk}/confirm/")
    assert decided.status_code == 200, decided.content
    after = client.get(f"/api/claims/{suggested_claim.pk}/").json()
    assert [row["id"] for row in after["events"]] == [event.pk]
    assert after["event_suggestions"] == []


def test_the_claims_api_filters_by_event_like_the_admin_list(adjuster, event, linked_claim,
                                                              suggested_claim, unrelated_claim):
    client = APIClient()
    client.force_authenticate(adjuster)
    numbers = [row["number"] for row in
               client.get(f"/api/claims/?event={event.pk}").json()["results"]]
    assert numbers == [linked_claim.number]
    refused = client.get("/api/claims/?event=x")
    assert refused.status_code == 400 and "event" in refused.json()["error"]["fields"]
