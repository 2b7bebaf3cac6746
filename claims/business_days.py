"""Business days: Monday to Friday, except the public holidays in the ``Holiday`` table."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.utils import timezone


def add_business_days(start: datetime, days: int, *, holidays: Iterable[date] = ()) -> datetime:
    """``start`` moved forward by ``days`` business days, keeping the local time of day.

    A start on a weekend or holiday counts from that day, so Saturday 10:00 + 1 is Monday 10:00.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    closed = set(holidays)
    local = timezone.localtime(start)
    day = local.date()
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            counted += 1
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def business_days_after(start: datetime, days: int) -> datetime:
    """``add_business_days`` with the holidays from the database."""
    from claims.models import Holiday

    first = timezone.localtime(start).date()
    # Each week has five business days; leave room for holidays on top.
    last = first + timedelta(days=days * 2 + 30)
    holidays = Holiday.objects.filter(date__gte=first, date__lte=last).values_list(
        "date", flat=True
    )
    return add_business_days(start, days, holidays=holidays)
