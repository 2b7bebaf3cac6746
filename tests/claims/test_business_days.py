"""Business days from the ``holidays`` package: right in any year (not only the years a data
migration seeded), with the policyholder's federal state and country."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from claims.business_days import business_days_after, public_holidays
from claims.models import Holiday
from tests.factories import report

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_easter_after_2030_is_not_a_business_day():
    assert not Holiday.objects.filter(date__year=2031).exists()  # nothing seeded that far
    maundy_thursday = at(date(2031, 4, 10))
    # Good Friday 11 April, the weekend, Easter Monday 14 April
    assert business_days_after(maundy_thursday, 1) == at(date(2031, 4, 15))
    assert business_days_after(at(date(2045, 12, 22)), 1) == at(date(2045, 12, 27))


def test_the_policyholders_federal_state_adds_its_holidays():
    friday = at(date(2031, 1, 3))  # Monday 6 January: Epiphany in Bavaria, not in Berlin
    assert business_days_after(friday, 1) == at(date(2031, 1, 6))
    assert business_days_after(friday, 1, region="DE-BE") == at(date(2031, 1, 6))
    assert business_days_after(friday, 1, region="DE-BY") == at(date(2031, 1, 7))


def test_a_policyholder_in_austria_gets_the_austrian_holidays():
    friday = at(date(2031, 12, 5))  # Monday 8 December: Mariä Empfängnis in Austria
    assert business_days_after(friday, 1, country="DE") == at(date(2031, 12, 8))
    assert business_days_after(friday, 1, country="AT") == at(date(2031, 12, 9))
    assert date(2031, 11, 1) in public_holidays(date(2031, 1, 1), date(2031, 12, 31),
                                                country="AT", region="AT-9")
    # a region of another country is ignored rather than mixed in
    assert public_holidays(date(2031, 1, 6), date(2031, 1, 6), region="AT-9") == set()


def test_days_in_the_holiday_table_are_closed_too():
    Holiday.objects.create(date=date(2031, 3, 3), name="Company day")
    assert business_days_after(at(date(2031, 2, 28)), 1) == at(date(2031, 3, 4))


def test_a_report_in_bavaria_is_due_after_the_states_holiday(cyber_policy, holder, holder_user):
    holder.region = "DE-BY"
    holder.save(update_fields=["region"])
    wednesday = at(date(2031, 6, 11))  # Thursday 12 June: Corpus Christi in Bavaria
    claim = report(cyber_policy, holder_user, now=wednesday, loss_date=date(2031, 6, 10))
    [activity] = claim.activities.filter(completed_at__isnull=True)
    assert activity.due_at == at(date(2031, 6, 13))


def test_a_region_must_lie_in_the_policyholders_country(holder):
    holder.country, holder.region = "DE", "AT-9"
    with pytest.raises(ValidationError) as error:
        holder.full_clean(exclude=["user"])
    assert "region" in error.value.message_dict
    holder.country = "AT"
    holder.full_clean(exclude=["user"])
