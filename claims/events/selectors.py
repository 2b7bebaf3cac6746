"""Reads about events: the open ones for the portal, the claims and suggestions, and the
dashboard's figures. Every figure is one aggregate query; the dashboard needs a fixed number of
queries however many claims the event has."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, Lower, TruncDate
from django.utils import timezone

from claims.models import Claim
from claims.money.models import Payment, ReserveChange
from claims.vendors.models import DEAD_STATES, OPEN_STATES, VendorOrganisation
from coverage.models import LossType
from policies.models import InsuranceYearAccount, Policy, PolicyDependency

from .models import CyberEvent, EventClaim, EventSuggestion

ZERO = Decimal("0.00")
MONEY_FIELD = DecimalField(max_digits=16, decimal_places=2)


def events_covering(loss_date) -> QuerySet[CyberEvent]:
    """The events whose window covers the loss date (open or closed)."""
    return CyberEvent.objects.filter(starts_at__date__lte=loss_date).filter(
        Q(ends_at__isnull=True) | Q(ends_at__date__gte=loss_date))


def open_events() -> QuerySet[CyberEvent]:
    return CyberEvent.objects.filter(status=CyberEvent.Status.OPEN).order_by("-starts_at", "pk")


# This process's copies of the open events reports come in under: pk -> (updated_at, read at
# (monotonic seconds), event). Every change of an event (its fields, loss types, closing) saves
# the event in the same transaction, so a copy whose updated_at is the row's is the row's data.
_report_events: dict[int, tuple[datetime, float, CyberEvent]] = {}
REPORT_EVENT_MAX_AGE = 30.0  # seconds: bounds how long a changed loss type row is read stale


def open_event_for_report(pk: int) -> CyberEvent | None:
    """The open event with what a report under it needs: its chosen cause
    (``report_loss_type``) and ``cause_ids``, the ids of its own-damage loss types. One small
    query (is it open, and its ``updated_at``) while this process's copy is current, else one
    more to read it."""
    table = CyberEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT updated_at FROM {table} WHERE id = %s AND status = %s",
                       [pk, CyberEvent.Status.OPEN])
        row = cursor.fetchone()
    if row is None:
        _report_events.pop(pk, None)
        return None
    cached = _report_events.get(pk)
    if (cached is not None and cached[0] == row[0]
            and time.monotonic() - cached[1] < REPORT_EVENT_MAX_AGE):
        return cached[2]
    read_at = time.monotonic()
    own_damage = CyberEvent.loss_types.through.objects.filter(
        cyberevent_id=OuterRef("pk"), losstype__third_party=False).values("losstype_id")
    event = (open_events().select_related("report_loss_type")
             .annotate(cause_ids=ArraySubquery(own_damage)).filter(pk=pk).first())
    if event is not None:
        _report_events[pk] = (event.updated_at, read_at, event)
    return event


def event_report_cause_ids(event: CyberEvent) -> set[int]:
    """The ids of ``event_report_loss_types(event)`` (without a query if the event came from
    ``open_event_for_report``)."""
    ids = getattr(event, "cause_ids", None)
    if ids is None:
        return {loss_type.pk for loss_type in event_report_loss_types(event)}
    return set(ids) | ({event.report_loss_type_id} if event.report_loss_type_id else set())


def event_report_loss_types(event: CyberEvent) -> list[LossType]:
    """The causes the short report form offers: the event's own-damage loss types, the chosen
    one first."""
    chosen = [event.report_loss_type] if event.report_loss_type_id else []
    others = sorted((loss_type for loss_type in event.loss_types.all()
                     if not loss_type.third_party and loss_type.pk != event.report_loss_type_id),
                    key=lambda loss_type: loss_type.name)
    return chosen + others


def event_claims(*, event: CyberEvent) -> QuerySet[Claim]:
    return Claim.objects.filter(event_links__event=event).select_related(
        "policy__policyholder", "policy__product", "loss_type", "assigned_adjuster"
    ).order_by("pk")


def open_suggestions(*, event: CyberEvent) -> QuerySet[EventSuggestion]:
    return event.suggestions.filter(status=EventSuggestion.Status.OPEN).select_related(
        "claim__policy__policyholder", "claim__loss_type").order_by("created_at", "pk")


def events_of_claim(*, claim: Claim) -> QuerySet[CyberEvent]:
    return CyberEvent.objects.filter(links__claim=claim).order_by("-starts_at")


def holder_dependencies(*, holder) -> QuerySet[PolicyDependency]:
    return PolicyDependency.objects.filter(policy__policyholder=holder).select_related(
        "policy__product").order_by("policy__number", "kind", "name")


# --- the dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    day: date
    linked: int
    suggested: int
    linked_total: int
    suggested_total: int


@dataclass(frozen=True)
class ExposureRow:
    product: str
    module: str
    policies: int
    limit: Decimal
    committed: Decimal
    remaining: Decimal


@dataclass(frozen=True)
class VendorLoad:
    organisation_id: int
    name: str
    panel: bool
    jobs_open: int
    jobs_total: int
    taken_today: int
    capacity: int | None

    @property
    def left_today(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken_today, 0)


@dataclass
class Dashboard:
    event: CyberEvent
    claims_linked: int = 0
    claims_by_state: dict[str, int] = field(default_factory=dict)
    suggestions: dict[str, int] = field(default_factory=dict)
    reported: Decimal = ZERO
    reserved: Decimal = ZERO
    paid: Decimal = ZERO
    timeline: list[DayCount] = field(default_factory=list)
    vendors: list[VendorLoad] = field(default_factory=list)
    exposure: list[ExposureRow] = field(default_factory=list)
    exposure_policies: int = 0

    @property
    def incurred(self) -> Decimal:
        """Paid plus what is still reserved."""
        return self.paid + self.reserved

    @property
    def exposure_total(self) -> Decimal:
        return sum((row.remaining for row in self.exposure), ZERO)



def _claims_figures(dashboard: Dashboard, event: CyberEvent) -> None:
    rows = (Claim.objects.filter(event_links__event=event).values("state")
            .annotate(n=Count("pk"), estimated=Sum("estimated_amount")).order_by("state"))
    for row in rows:
        dashboard.claims_by_state[row["state"]] = row["n"]
        dashboard.claims_linked += row["n"]
        dashboard.reported += row["estimated"] or ZERO


def _reserved(event: CyberEvent) -> Decimal:
    """The current reserves of the linked claims: the latest level per claim, section and kind."""
    latest = ReserveChange.objects.filter(
        claim=OuterRef("claim"), section=OuterRef("section"), kind=OuterRef("kind")
    ).order_by("-created_at", "-id").values("id")[:1]
    return ReserveChange.objects.filter(claim__event_links__event=event).annotate(
        latest=Subquery(latest)).filter(id=F("latest")).aggregate(
        total=Coalesce(Sum("level"), ZERO, output_field=MONEY_FIELD))["total"]


def _paid(event: CyberEvent) -> Decimal:
    return Payment.objects.filter(claim__event_links__event=event,
                                  status=Payment.Status.PAID).aggregate(
        total=Coalesce(Sum("amount"), ZERO, output_field=MONEY_FIELD))["total"]


def _timeline(event: CyberEvent) -> list[DayCount]:
    linked = dict(EventClaim.objects.filter(event=event).annotate(
        day=TruncDate("linked_at")).values("day").annotate(n=Count("pk"))
        .values_list("day", "n"))
    suggested = dict(EventSuggestion.objects.filter(event=event).annotate(
        day=TruncDate("created_at")).values("day").annotate(n=Count("pk"))
        .values_list("day", "n"))
    days = sorted(set(linked) | set(suggested))
    if not days:
        return []
    first, last = event.window()  # the whole window, so that one day still draws a line
    timeline, linked_total, suggested_total = [], 0, 0
    day = min(days[0], first)
    while day <= max(days[-1], last):
        linked_total += linked.get(day, 0)
        suggested_total += suggested.get(day, 0)
        timeline.append(DayCount(day, linked.get(day, 0), suggested.get(day, 0), linked_total,
                                 suggested_total))
        day += timedelta(days=1)
    return timeline


def _vendors(event: CyberEvent, now: datetime) -> list[VendorLoad]:
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), datetime.min.time()))
    on_event = Q(jobs__claim__event_links__event=event)
    rows = (
        VendorOrganisation.objects.filter(Q(pk__in=event.vendor_panel.values("pk")) | on_event)
        .annotate(
            jobs_open=Count("jobs", filter=on_event & Q(jobs__state__in=OPEN_STATES),
                            distinct=True),
            jobs_total=Count("jobs", filter=on_event, distinct=True),
            capacity=F("daily_capacity__jobs_per_day"),
            in_panel=Count("pk", filter=Q(pk__in=event.vendor_panel.values("pk")),
                           distinct=True),
        )
        .order_by("name").distinct()
    )
    taken = dict(
        VendorOrganisation.objects.filter(pk__in=[row.pk for row in rows]).annotate(
            taken=Count("jobs", filter=Q(jobs__requested_at__gte=start,
                                         jobs__requested_at__lt=start + timedelta(days=1))
                        & ~Q(jobs__state__in=DEAD_STATES)))
        .values_list("pk", "taken")
    )
    return [VendorLoad(row.pk, row.name, bool(row.in_panel), row.jobs_open, row.jobs_total,
                       taken.get(row.pk, 0), row.capacity) for row in rows]


def exposure_policies(*, event: CyberEvent) -> QuerySet[Policy]:
    """Policies with a claim linked to the event or depending on a provider or software it
    names, that were not cancelled before the event began."""
    first, _last = event.window()
    named = [name.lower() for name in event.named]
    depends = PolicyDependency.objects.annotate(lowered=Lower("name")).filter(
        lowered__in=named).values("policy_id")
    linked = EventClaim.objects.filter(event=event).values("claim__policy_id")
    return Policy.objects.filter(Q(pk__in=linked) | Q(pk__in=depends)).exclude(
        cancelled_from__lte=first)


def exposure_accounts(*, event: CyberEvent) -> QuerySet[InsuranceYearAccount]:
    """The aggregate accounts of those policies whose insurance year overlaps the event."""
    first, last = event.window()
    return InsuranceYearAccount.objects.filter(
        section__policy__in=exposure_policies(event=event), starts_on__lte=last,
        ends_on__gt=first,
    )


def _exposure(event: CyberEvent) -> list[ExposureRow]:
    remaining = ExpressionWrapper(F("limit") - F("committed"), output_field=MONEY_FIELD)
    rows = (
        exposure_accounts(event=event)
        .values(product=F("section__policy__product__name_en"),
                module=F("section__module__name_en"))
        .annotate(policies=Count("section__policy", distinct=True), limit_sum=Sum("limit"),
                  committed_sum=Sum("committed"), remaining_sum=Sum(remaining))
        .order_by("product", "module")
    )
    return [ExposureRow(row["product"], row["module"], row["policies"], row["limit_sum"],
                        row["committed_sum"], row["remaining_sum"]) for row in rows]


def event_dashboard(*, event: CyberEvent, now: datetime | None = None) -> Dashboard:
    """Everything the event dashboard, its API and its XLSX show."""
    dashboard = Dashboard(event=event)
    _claims_figures(dashboard, event)
    dashboard.suggestions = dict(event.suggestions.values("status").annotate(n=Count("pk"))
                                 .values_list("status", "n").order_by())
    dashboard.reserved = _reserved(event)
    dashboard.paid = _paid(event)
    dashboard.timeline = _timeline(event)
    dashboard.vendors = _vendors(event, now or timezone.now())
    dashboard.exposure = _exposure(event)
    dashboard.exposure_policies = exposure_policies(event=event).count()
    return dashboard
