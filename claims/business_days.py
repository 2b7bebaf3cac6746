"""Business days: Monday to Friday, except public holidays.

The public holidays come from the ``holidays`` package, for any year: the German national ones
(Austrian for a policyholder in Austria), plus those of the policyholder's federal state where it
is known. Days in the ``Holiday`` table (kept in the admin) are closed on top, e.g. a company day.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays as holiday_calendars
from django.utils import timezone

SUPPORTED_COUNTRIES = {"DE", "AT"}


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


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    calendar = holiday_calendars.country_holidays(country, subdiv=subdivision, years=year)
    return frozenset(calendar)


def public_holidays(first: date, last: date, *, country: str = "DE",
                    region: str = "") -> set[date]:
    """Public holidays from ``first`` to ``last``: national ones of ``country`` (DE unless AT),
    plus those of ``region`` (ISO 3166-2, e.g. ``DE-BY``) when it lies in that country."""
    country = country if country in SUPPORTED_COUNTRIES else "DE"
    prefix, _, subdivision = region.partition("-")
    subdivision = subdivision if prefix == country and subdivision else None
    days: set[date] = set()
    for year in range(first.year, last.year + 1):
        days |= _public_holidays(country, subdivision, year)
    return {day for day in days if first <= day <= last}


def business_days_after(start: datetime, days: int, *, country: str = "DE",
                        region: str = "", closed_days: Iterable[date] | None = None) -> datetime:
    """``add_business_days`` skipping the public holidays (see ``public_holidays``) and the days
    of the ``Holiday`` table (``closed_days``: those days from ``start`` on, read by the caller
    with something else; else they are read here)."""
    from claims.models import Holiday

    first = timezone.localtime(start).date()
    # Each week has five business days; leave room for holidays on top.
    last = first + timedelta(days=days * 2 + 30)
    closed = public_holidays(first, last, country=country, region=region)
    if closed_days is None:
        closed_days = Holiday.objects.filter(date__gte=first, date__lte=last).values_list(
            "date", flat=True)
    closed.update(day for day in closed_days if first <= day <= last)
    return add_business_days(start, days, holidays=closed)
