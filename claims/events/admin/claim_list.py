"""The claim list's "Event" column and filter: the event a claim is part of, or the one it is
probably part of (a suggestion waiting for an adjuster). Both come with the list's one claims
query (``with_claim_events``), and the filter's choices with one query of the events."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from config.statements import Prepared

from ..claim_events import linked_to, linked_to_any, suggested_open, with_claim_events
from ..models import CyberEvent

# How many events the filter names (the newest); older ones are reached from their dashboards.
FILTER_EVENTS = 30
# Compiled once per connection: the list reads them on every view.
_FILTER_EVENTS = Prepared(lambda p: CyberEvent.objects.order_by("-starts_at", "-pk").values_list(
    "pk", "name")[:FILTER_EVENTS])


class EventListFilter(admin.SimpleListFilter):
    title = _("Event")
    parameter_name = "event"

    def lookups(self, request, model_admin):
        events = _FILTER_EVENTS.all()
        return [("any", _("Part of an event")),
                ("suggested", _("Probably part of an event (to confirm)")),
                ("none", _("No event")),
                *((str(pk), name) for pk, name in events)]

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        if value == "any":
            return queryset.filter(linked_to_any())
        if value == "suggested":
            return queryset.filter(suggested_open())
        if value == "none":
            return queryset.exclude(linked_to_any())
        if not value.isdigit():
            raise IncorrectLookupParameters(_("Choose an event from the list."))
        return queryset.filter(linked_to(int(value)))


class ClaimListEventsMixin:
    """Adds the "Event" column and filter to the claim list."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "claims_claim_changelist":
            return with_claim_events(queryset)
        return queryset

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        at = columns.index("loss_type") + 1 if "loss_type" in columns else len(columns)
        return [*columns[:at], "cyber_event", *columns[at:]]

    def get_list_filter(self, request):
        return [*super().get_list_filter(request), EventListFilter]

    @admin.display(description=_("Event"))
    def cyber_event(self, claim):
        linked = getattr(claim, "events_linked", None) or []
        suggested = getattr(claim, "events_suggested", None) or []
        if linked:
            first = linked[0]
            more = format_html(" (+{})", len(linked) - 1) if len(linked) > 1 else ""
            return format_html('<a href="{}">{}</a>{}', reverse(
                "admin:events_cyberevent_dashboard", args=[first["id"]]), first["name"], more)
        if suggested:
            first = suggested[0]
            event = format_html('<a href="{}">{}</a>', reverse(
                "admin:events_cyberevent_dashboard", args=[first["id"]]), first["name"])
            return format_html('<span class="claim-event-suggested">{}</span>',
                               format_html(_("probably part of {event}"), event=event))
        return ""
