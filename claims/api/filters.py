"""The adjusters' claim list filters (django-filter)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field

from claims.models import Claim, ClaimState
from claims.selectors import WORK_QUEUES, claims_in_queue
from coverage.models import LossType, Product
from policies.models import InsuranceYearAccount, Policy


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(django_filters.NumberFilter):
    """An id: a positive 64-bit integer (``0.6``, ``0`` or ``2**63`` are refused with 400, as
    the schema says)."""

    field_class = forms.IntegerField
    bounds = {"min_value": 1, "max_value": 2**63 - 1}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**self.bounds, **kwargs})


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 32767})
class YearFilter(IdFilter):
    """An insurance year (1, 2, 3...)."""

    bounds = {"min_value": 1, "max_value": 32767}


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` (as the schema says); anything else, empty included, is a 400."""

    VALUES = {"true": True, "True": True, "false": False, "False": False}

    def to_python(self, value):
        if value is None:
            return None
        if value not in self.VALUES:
            raise forms.ValidationError(_("Use true or false."), code="invalid")
        return self.VALUES[value]

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class StrictDateField(forms.DateField):
    """A day as the schema says (``2026-11-29``): an empty value is a 400, not "any day"."""

    def to_python(self, value):
        if value == "":
            raise forms.ValidationError(_("Give a day such as 2026-11-29, or leave the "
                                          "parameter out."), code="invalid")
        return super().to_python(value)


class StrictDateFilter(django_filters.DateFilter):
    field_class = StrictDateField


class ClaimFilter(django_filters.FilterSet):
    # a column of the claim: no join, no duplicates, so no DISTINCT (which sorted every
    # matching claim by all its columns instead of walking the state's index)
    state = django_filters.MultipleChoiceFilter(choices=ClaimState.choices, distinct=False)
    product = django_filters.CharFilter(method="filter_product",
                                        help_text="Product code (cyber, it_liability).")
    loss_type = django_filters.CharFilter(method="filter_loss_type", help_text="Loss type code.")
    adjuster = IdFilter(field_name="assigned_adjuster_id",
                                           help_text="Id of the assigned adjuster.")
    unassigned = StrictBooleanFilter(field_name="assigned_adjuster", lookup_expr="isnull")
    emergency = StrictBooleanFilter()
    policy = IdFilter(field_name="policy_id")
    event = IdFilter(field_name="event_links__event_id",
                     help_text="Id of a cyber event: the claims linked to it.")
    reported_after = StrictDateFilter(
        method="filter_reported_after", help_text="Reported on or after this day (local time).")
    reported_before = StrictDateFilter(
        method="filter_reported_before", help_text="Reported on or before this day (local time).")
    queue = django_filters.ChoiceFilter(
        choices=WORK_QUEUES, method="filter_queue",
        help_text="A work queue, as in the admin: mine (open, assigned to you), unassigned, "
                  "overdue (an open activity past its due time), awaiting (an open question to "
                  "the policyholder), duplicates (to review), emergencies (open), messages "
                  "(from the policyholder, not answered yet), open.")

    class Meta:
        model = Claim
        fields = ["state", "product", "loss_type", "adjuster", "unassigned", "emergency",
                  "policy", "event", "reported_after", "reported_before", "queue"]

    # A filter on one state, product, loss type or adjuster puts that column first in the order:
    # it is the same for every row left, so the order is the same, and the index that starts
    # with the column serves filter and order together (the planner otherwise walks the queue's
    # order and skips the other rows: 20,000 before the first ransomware claim at 1M).
    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        order = queryset.query.order_by
        data = self.form.cleaned_data
        if not order or order[0] != "-emergency":
            return queryset
        if len(data.get("state") or []) == 1:
            return queryset.order_by("state", *order)
        for name, column in (("product", "policy_product_id"), ("loss_type", "loss_type_id"),
                             ("adjuster", "assigned_adjuster_id"),
                             ("unassigned", "assigned_adjuster_id")):
            if data.get(name) not in (None, "", False):
                return queryset.order_by(column, *order)
        return queryset

    # The code's id as a scalar subquery, compared with the claim's own column as
    # ``column >= id AND column <= id`` (the same rows as ``=``): with ``=`` the planner drops
    # the column from the order (constant) and walks the queue's order, skipping the other
    # claims; this way the index that starts with the column serves filter and order.
    def filter_product(self, queryset, name, value):
        return queryset.filter(one_value("policy_product_id", Product.objects.filter(code=value)))

    def filter_loss_type(self, queryset, name, value):
        return queryset.filter(one_value("loss_type_id", LossType.objects.filter(code=value)))

    # Compared with the local day's boundaries (not a cast of the column), so an index serves it.
    def filter_reported_after(self, queryset, name, value):
        return queryset.filter(reported_at__gte=day_start(value))

    def filter_queue(self, queryset, name, value):
        return claims_in_queue(queryset, value, user=self.request.user)

    def filter_reported_before(self, queryset, name, value):
        return queryset.filter(reported_at__lt=day_start(value + timedelta(days=1)))


def one_value(column: str, rows) -> Q:
    """``column`` equal to the id of the first of ``rows`` (none: no claim), as a range."""
    row_id = Subquery(rows.values("pk")[:1])
    return Q(**{f"{column}__gte": row_id, f"{column}__lte": row_id})


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
