"""A claim's cyber events, for the claim page, the claim list and the claims API: the events it
is linked to and those it is probably part of (open suggestions, for an adjuster to confirm or
reject). One query for one claim; for a list, annotations of the claims query (no query per
row)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject

from claims.models import Claim
from config.sql import Constant
from config.statements import Prepared

from .models import CyberEvent, EventClaim, EventSuggestion

OPEN = EventSuggestion.Status.OPEN


@dataclass(frozen=True)
class ClaimEvent:
    """One event of a claim: linked (``suggestion_id`` is None) or suggested."""

    event_id: int
    name: str
    is_open: bool
    source: str = ""  # how it was linked (EventClaim.Source)
    suggestion_id: int | None = None
    reasons: list[str] = field(default_factory=list)

    @property
    def linked(self) -> bool:
        return self.suggestion_id is None


def _events_of_claim(p) -> QuerySet:
    links = EventClaim.objects.filter(event=OuterRef("pk"), claim=p.int("claim_id"))
    suggestions = EventSuggestion.objects.filter(event=OuterRef("pk"), claim=p.int("claim_id"),
                                                 status=OPEN)
    return CyberEvent.objects.filter(
        Q(pk__in=EventClaim.objects.filter(claim=p.int("claim_id")).values("event_id"))
        | Q(pk__in=EventSuggestion.objects.filter(claim=p.int("claim_id"), status=OPEN)
            .values("event_id"))
    ).annotate(
        link_source=Subquery(links.values("source")[:1]),
        suggestion_id=Subquery(suggestions.values("pk")[:1]),
        suggestion_reasons=Subquery(suggestions.values("reasons")[:1]),
    ).order_by("-starts_at", "-pk").values(
        "pk", "name", "status", "link_source", "suggestion_id", "suggestion_reasons")


# Compiled once per connection (the claim page asks on every view).
_EVENTS_OF_CLAIM = Prepared(_events_of_claim)


def claim_events(*, claim: Claim) -> list[ClaimEvent]:
    """The events the claim is linked to, then those it is probably part of, newest first
    (one query, served by the links' and suggestions' claim indexes)."""
    linked, suggested = [], []
    for row in _EVENTS_OF_CLAIM.all(claim_id=claim.pk):
        is_open = row["status"] == CyberEvent.Status.OPEN
        if row["link_source"] is not None:
            linked.append(ClaimEvent(event_id=row["pk"], name=row["name"], is_open=is_open,
                                     source=row["link_source"]))
        elif row["suggestion_id"] is not None:
            suggested.append(ClaimEvent(event_id=row["pk"], name=row["name"], is_open=is_open,
                                        suggestion_id=row["suggestion_id"],
                                        reasons=list(row["suggestion_reasons"] or [])))
    return linked + suggested


def with_claim_events(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate each claim with ``events_linked`` (``[{id, name, source}]``, the newest event
    first) and ``events_suggested`` (``[{suggestion, id, name, reasons}]``, open suggestions):
    two correlated subqueries, evaluated for the rows fetched only."""
    linked = EventClaim.objects.filter(claim=OuterRef("pk")).order_by(
        "-event__starts_at", "-event_id").values(
        json=JSONObject(id="event_id", name="event__name", source="source"))
    suggested = EventSuggestion.objects.filter(claim=OuterRef("pk"),
                                               status=Constant(OPEN)).order_by(
        "-event__starts_at", "-event_id").values(
        json=JSONObject(suggestion="pk", id="event_id", name="event__name", reasons="reasons"))
    return claims.annotate(events_linked=ArraySubquery(linked),
                           events_suggested=ArraySubquery(suggested))


def linked_to(event_id: int) -> Q:
    """The claims linked to the event (served by the link's (event, claim) unique index)."""
    return Q(pk__in=EventClaim.objects.filter(event_id=event_id).values("claim_id"))


def suggested_open() -> Q:
    """The claims probably part of some event, waiting for an adjuster (served by the partial
    index on the open suggestions' claims)."""
    return Q(pk__in=EventSuggestion.objects.filter(status=OPEN).values("claim_id"))


def linked_to_any() -> Q:
    return Q(pk__in=EventClaim.objects.values("claim_id"))
