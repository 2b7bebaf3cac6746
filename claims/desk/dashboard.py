"""The admin's start page: the figures a claims manager looks at, each from one aggregate query
(a fixed number of queries whatever the number of claims), each linked to the filtered list. The
user's own queues are counted on every visit, the others kept seconds, the charts a minute in
the cache (``shared_queue_counts``, ``charts``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractYear, TruncMonth, TruncWeek
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from claims.models import FINAL_STATES, Activity, Claim, ClaimState
from claims.money.approvals import settlements_awaiting_approval
from claims.money.models import Payment, ReserveChange
from coverage.models import localized_name
from coverage.money import ZERO, money
from policies.models import InsuranceYearAccount

CLOSED = [*FINAL_STATES, ClaimState.DENIED]
WEEKS = 8
MONTHS = 6


def _claims_url(**params) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return reverse("admin:claims_claim_changelist") + (f"?{query}" if query else "")


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    url: str
    width: int  # percent of the largest bar
    second: Decimal | int | None = None
    second_width: int = 0
    start: date | None = None  # the first day of the week or month the bar counts


def _bars(rows: list[tuple], *, second: bool = False) -> list[Bar]:
    """Bars of (label, value, url, start[, second value]) rows."""
    largest = max([abs(r[1]) for r in rows] + ([abs(r[4]) for r in rows] if second else [])
                  + [1])
    return [
        Bar(label=r[0], value=r[1], url=r[2], width=round(100 * abs(r[1]) / largest),
            start=r[3], second=r[4] if second else None,
            second_width=round(100 * abs(r[4]) / largest) if second else 0)
        for r in rows
    ]


def open_by_state_and_age(*, now) -> list[dict]:
    week, month = now - timedelta(days=7), now - timedelta(days=30)
    rows = (Claim.objects.exclude(state__in=CLOSED).values("state")
            .annotate(total=Count("pk"), fresh=Count("pk", filter=Q(reported_at__gte=week)),
                      middle=Count("pk", filter=Q(reported_at__lt=week, reported_at__gte=month)),
                      old=Count("pk", filter=Q(reported_at__lt=month)))
            .order_by("state"))
    largest = max([r["total"] for r in rows] + [1])
    labels = dict(ClaimState.choices)
    iso = "%Y-%m-%d %H:%M:%S"
    return [{
        "state": r["state"], "label": labels.get(r["state"], r["state"]), "total": r["total"],
        "fresh": r["fresh"], "middle": r["middle"], "old": r["old"],
        "url": _claims_url(state=r["state"]),
        "ages": [
            (r["fresh"], _claims_url(state=r["state"], reported_at__gte=week.strftime(iso))),
            (r["middle"], _claims_url(state=r["state"], reported_at__lt=week.strftime(iso),
                                      reported_at__gte=month.strftime(iso))),
            (r["old"], _claims_url(state=r["state"], reported_at__lt=month.strftime(iso))),
        ],
        "widths": [round(100 * n / largest) for n in (r["fresh"], r["middle"], r["old"])],
    } for r in rows]


def _local_midnight(day: date) -> datetime:
    """The start of ``day`` in the current time zone: compared with a stored time, the
    column's index serves it (``__date`` converts every row's time first)."""
    return timezone.make_aware(datetime.combine(day, dt_time.min))


def reported_per_week(*, now) -> list[Bar]:
    start = timezone.localtime(now).date() - timedelta(weeks=WEEKS - 1)
    start -= timedelta(days=start.weekday())
    counts = dict(Claim.objects.filter(reported_at__gte=_local_midnight(start))
                  .annotate(week=TruncWeek("reported_at")).values("week")
                  .annotate(n=Count("pk")).values_list("week", "n"))
    counts = {k.date() if hasattr(k, "date") else k: v for k, v in counts.items()}
    rows = []
    for i in range(WEEKS):
        monday = start + timedelta(weeks=i)
        rows.append((f"{monday:%d.%m.}", counts.get(monday, 0),
                     _claims_url(reported_at__date__gte=monday.isoformat(),
                                 reported_at__date__lt=(monday + timedelta(days=7)).isoformat()),
                     monday))
    return _bars(rows)


def _month_starts(now) -> list:
    first = timezone.localtime(now).date().replace(day=1)
    months = [first]
    for _ in range(MONTHS - 1):
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def paid_and_incurred_per_month(*, now) -> list[Bar]:
    """Paid per month, and incurred: paid plus the month's reserve movements."""
    months = _month_starts(now)
    paid = dict(Payment.objects.filter(status=Payment.Status.PAID,
                                       paid_at__gte=_local_midnight(months[0]))
                .annotate(month=TruncMonth("paid_at")).values("month")
                .annotate(total=Sum("amount")).values_list("month", "total"))
    moved = dict(ReserveChange.objects.filter(created_at__gte=_local_midnight(months[0]))
                 .annotate(month=TruncMonth("created_at")).values("month")
                 .annotate(total=Sum(F("level") - F("previous_level")))
                 .values_list("month", "total"))
    paid = {k.date(): v for k, v in paid.items()}
    moved = {k.date(): v for k, v in moved.items()}
    rows = []
    for i, month in enumerate(months):
        end = months[i + 1] if i + 1 < len(months) else (month + timedelta(days=32)).replace(day=1)
        paid_here = money(paid.get(month) or ZERO)
        rows.append((f"{month:%m.%Y}", paid_here,
                     reverse("admin:money_payment_changelist") + "?" + urlencode({
                         "status__exact": "paid", "paid_at__date__gte": month.isoformat(),
                         "paid_at__date__lt": end.isoformat()}),
                     month, money(paid_here + (moved.get(month) or ZERO))))
    return _bars(rows, second=True)


def aggregate_used() -> list[dict]:
    rows = (InsuranceYearAccount.objects
            .annotate(calendar_year=ExtractYear("starts_on"),
                      product_name=localized_name("section__policy__product__"))
            .values("section__policy__product_id", "product_name", "calendar_year")
            .annotate(limit=Sum("limit"), committed=Sum("committed"))
            .order_by("product_name", "calendar_year"))
    return [{
        "product_id": r["section__policy__product_id"], "product": r["product_name"],
        "year": r["calendar_year"],
        "limit": r["limit"], "committed": r["committed"],
        "percent": round(100 * r["committed"] / r["limit"]) if r["limit"] else 0,
        "percent_capped": min(100, round(100 * r["committed"] / r["limit"])) if r["limit"] else 0,
        "url": reverse("admin:policies_policy_changelist") + "?" + urlencode(
            {"product__id__exact": r["section__policy__product_id"]}),
    } for r in rows]


def largest_open_exposures(*, limit: int = 10) -> list[dict]:
    """The open claims with the largest current reserves (latest level per section and kind)."""
    reserves, claims = ReserveChange._meta.db_table, Claim._meta.db_table
    closed = ", ".join(["%s"] * len(CLOSED))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT c.id, c.number, SUM(r.level) AS exposure FROM ("  # noqa: S608 - table names
            f"  SELECT DISTINCT ON (claim_id, section_id, kind) claim_id, level FROM {reserves}"
            f"  ORDER BY claim_id, section_id, kind, created_at DESC, id DESC) r"
            f" JOIN {claims} c ON c.id = r.claim_id WHERE c.state NOT IN ({closed})"
            f" GROUP BY c.id, c.number HAVING SUM(r.level) > 0 ORDER BY exposure DESC, c.id"
            f" LIMIT %s", [*[str(s) for s in CLOSED], limit])
        rows = cursor.fetchall()
    return [{"id": pk, "number": number, "exposure": money(exposure),
             "url": reverse("admin:claims_claim_change", args=[pk])}
            for pk, number, exposure in rows]


def queue_counts(*, user, now) -> dict:
    """The work queues with their sizes: the user's own (their open claims, the settlements
    waiting for their approval) counted on every visit, the others (``shared_queue_counts``, the
    same for everyone) kept a few seconds."""
    return {
        # from claim_queue_counts_idx alone (state and adjuster are in it)
        "mine": Claim.objects.exclude(state__in=FINAL_STATES).filter(
            assigned_adjuster=user).count(),
        "approvals": settlements_awaiting_approval(user=user).count(),
        **shared_queue_counts(now=now),
    }


def shared_queue_counts(*, now) -> dict:
    """The queues that are the same for every user: one aggregate over the open claims (their
    stored next due time and unanswered-message mark) and one count of the overdue activities.
    They read every open claim's index entry (7 ms at 50,000 claims, 350 ms at 1,000,000), so
    they are kept ``DASHBOARD_QUEUES_SECONDS`` in the cache: at most that old."""
    def count() -> dict:
        # COUNT(state) (never null): every column read is in claim_queue_counts_idx, so the
        # claims themselves are not read
        counts = Claim.objects.exclude(state__in=FINAL_STATES).aggregate(
            unassigned=Count("state", filter=Q(assigned_adjuster__isnull=True)),
            emergencies=Count("state", filter=Q(emergency=True)),
            overdue=Count("state", filter=Q(next_due_at__lt=now)),
            messages=Count("state", filter=Q(unanswered_message=True)),
        )
        counts["overdue_activities"] = Activity.objects.filter(
            completed_at__isnull=True, due_at__lt=now).count()
        return counts

    return _cached("desk:shared-queue-counts:1", settings.DASHBOARD_QUEUES_SECONDS, count)


def charts(*, now) -> dict:
    """The charts (the same for every user), with the time they were computed (``as_of``).

    They sum the whole book (about 200 ms of the database at 50,000 claims), so they are kept
    for ``DASHBOARD_CHARTS_SECONDS`` in the cache, per language (their labels are translated):
    the start page then costs a few milliseconds, and the charts are at most that old (the
    page says as of when). The work queues above them are at most seconds old."""
    return _cached(
        f"desk:dashboard-charts:2:{get_language()}",  # 2: the layout of what is kept
        settings.DASHBOARD_CHARTS_SECONDS,
        lambda: {
            "by_state": open_by_state_and_age(now=now),
            "per_week": reported_per_week(now=now),
            "per_month": paid_and_incurred_per_month(now=now),
            "aggregates": aggregate_used(),
            "exposures": largest_open_exposures(),
            "as_of": now,
        })


def _cached(key: str, seconds: int, compute):
    """``compute()``, kept ``seconds`` in the cache under ``key`` (0: computed every time)."""
    kept = cache.get(key) if seconds else None
    if kept is None:
        kept = compute()
        if seconds:
            cache.set(key, kept, seconds)
    return kept


def dashboard(*, user, now=None) -> dict:
    now = now or timezone.now()
    return {"queues": queue_counts(user=user, now=now), **charts(now=now)}
