"""The adjusters' work queues as list filters."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.admin.forms import ACTIVE_ADJUSTERS
from claims.selectors import WORK_QUEUES, claims_in_queue
from config.statements import Prepared


class AdjusterListFilter(admin.RelatedFieldListFilter):
    """The assigned adjuster, chosen from the active adjusters (not from a scan of every claim,
    as ``RelatedOnlyFieldListFilter`` would do)."""

    def field_choices(self, field, request, model_admin):
        return [(user.pk, user.get_full_name() or user.get_username())
                for user in ACTIVE_ADJUSTERS.all()]


_CHOICE_READS: dict[tuple, Prepared] = {}


def related_choices(field, ordering) -> list[tuple]:
    """``field.get_choices(include_blank=False, ordering=ordering)`` (a related filter's choices),
    read by a statement compiled once per connection for each field and order (the list shows
    them on every view); a field with its own choices or a limit on them goes Django's way."""
    try:
        key = (field, tuple(ordering))
        hash(key)
    except TypeError:  # an order by expression: Django's way
        key = None
    if key is None or field.choices is not None or field.get_limit_choices_to():
        return field.get_choices(include_blank=False, ordering=ordering)
    read = _CHOICE_READS.get(key)
    if read is None:
        model, order = field.remote_field.model, key[1]
        read = _CHOICE_READS[key] = Prepared(
            lambda p: model._default_manager.order_by(*order) if order
            else model._default_manager.all())
    attname = field.remote_field.get_related_field().attname
    return [(getattr(row, attname), str(row)) for row in read.all()]


class ClaimColumnListFilter(admin.RelatedFieldListFilter):
    """A related filter (the same choices and parameters) compared with the claim's own
    ``column``, one value as ``column >= v AND column <= v``: the same rows as ``= v``, but the
    planner then keeps the column in the order (the admin puts it first, ``get_ordering``) and
    walks the index that starts with it, instead of the queue's order skipping other rows."""

    column = ""

    def field_choices(self, field, request, model_admin):
        return related_choices(field, self.field_admin_ordering(field, request, model_admin))

    def queryset(self, request, queryset):
        params = dict(self.used_parameters)
        values = params.pop(self.lookup_kwarg, None) or []
        try:
            if params:
                queryset = queryset.filter(build_q_object_from_lookup_parameters(params))
            if values:
                one_of = Q()
                for value in values:
                    one_of |= Q(**{f"{self.column}__gte": value, f"{self.column}__lte": value})
                queryset = queryset.filter(one_of)
            return queryset
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error


class ProductListFilter(ClaimColumnListFilter):
    """The policy's product (``policy__product__id__exact``), compared with the claim's stored
    ``policy_product``."""

    column = "policy_product_id"


class LossTypeListFilter(ClaimColumnListFilter):
    column = "loss_type_id"


class WorkQueueFilter(admin.SimpleListFilter):
    title = _("work queue")
    parameter_name = "queue"

    def lookups(self, request, model_admin):
        return WORK_QUEUES

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        return claims_in_queue(queryset, value, user=request.user, now=timezone.now())


class ActivityStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("overdue", "Overdue"), ("escalated", "Escalated"),
                ("done", "Completed")]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "open":
            return queryset.filter(completed_at__isnull=True)
        if value == "overdue":
            return queryset.filter(completed_at__isnull=True, due_at__lt=timezone.now())
        if value == "escalated":
            return queryset.filter(escalated_at__isnull=False)
        if value == "done":
            return queryset.filter(completed_at__isnull=False)
        return queryset
