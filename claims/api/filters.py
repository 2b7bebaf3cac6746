"""The adjusters' claim list filters (django-filter)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field

from claims.models import Claim, ClaimState
from policies.models import InsuranceYearAccount, Policy


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """An id: documented as a positive 64-bit integer."""


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 32767})
class YearFilter(django_filters.NumberFilter):
    """An insurance year (1, 2, 3...)."""


class ClaimFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=ClaimState.choices)
    product = django_filters.CharFilter(field_name="policy__product__code",
                                        help_text="Product code (cyber, it_liability).")
    loss_type = django_filters.CharFilter(field_name="loss_type__code",
                                          help_text="Loss type code.")
    adjuster = IdFilter(field_name="assigned_adjuster_id",
                                           help_text="Id of the assigned adjuster.")
    unassigned = django_filters.BooleanFilter(field_name="assigned_adjuster",
                                              lookup_expr="isnull")
    emergency = django_filters.BooleanFilter()
    policy = IdFilter(field_name="policy_id")
    reported_after = django_filters.DateFilter(
        method="filter_reported_after", help_text="Reported on or after this day (local time).")
    reported_before = django_filters.DateFilter(
        method="filter_reported_before", help_text="Reported on or before this day (local time).")

    class Meta:
        model = Claim
        fields = ["state", "product", "loss_type", "adjuster", "unassigned", "emergency",
                  "policy", "reported_after", "reported_before"]

    # Compared with the local day's boundaries (not a cast of the column), so an index serves it.
    def filter_reported_after(self, queryset, name, value):
        return queryset.filter(reported_at__gte=day_start(value))

    def filter_reported_before(self, queryset, name, value):
        return queryset.filter(reported_at__lt=day_start(value + timedelta(days=1)))


def day_start(day: date) -> datetime:
    """00:00 of ``day`` in the current time zone."""
    return timezone.make_aware(datetime.combine(day, time.min))


class PolicyFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Policy.Status.choices)
    product = django_filters.CharFilter(field_name="product__code")
    policyholder = IdFilter(field_name="policyholder_id")

    class Meta:
        model = Policy
        fields = ["status", "product", "policyholder"]


class AccountFilter(django_filters.FilterSet):
    policy = IdFilter(field_name="section__policy_id")
    insurance_year = YearFilter(field_name="year")
    module = django_filters.CharFilter(field_name="section__module__code")

    class Meta:
        model = InsuranceYearAccount
        fields = ["policy", "insurance_year", "module"]
