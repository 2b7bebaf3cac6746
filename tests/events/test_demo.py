"""The demo data: an event with linked and suggested claims, reachable from the admin index."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from claims.events.demo import EVENT_NAME
from claims.events.models import CyberEvent, EventClaim


def test_the_demo_has_an_event_with_linked_and_suggested_claims_and_loads_twice(db, client):
    call_command("demo_data", stdout=StringIO())
    event = CyberEvent.objects.get(name=EVENT_NAME)
    sources = set(event.links.values_list("source", flat=True))
    assert sources == {EventClaim.Source.REPORT, EventClaim.Source.SUGGESTION}
    assert event.suggestions.filter(status="open").exists()
    counts = (EventClaim.objects.count(), event.suggestions.count())
    call_command("demo_data", stdout=StringIO())
    assert (EventClaim.objects.count(), event.suggestions.count()) == counts

    client.force_login(get_user_model().objects.get(username="adjuster"))
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:events_cyberevent_dashboard", args=[event.pk]) in index
