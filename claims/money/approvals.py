"""The team lead's queue "Waiting for my approval": settlements escalated above an adjuster's
authority that the signed-in user may decide, with the figures and the explanation to decide on."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import admin
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from claims.money.models import Settlement, SettlementState
from claims.money.services.common import authority_of
from claims.money.steps import steps_text


def settlements_awaiting_approval(*, user) -> QuerySet[Settlement]:
    """Escalated settlements within ``user``'s authority (their level at least the one required,
    the amount within their own limit), oldest first; none without authority."""
    authority = authority_of(user)  # one read for the level and the limit
    level = authority.level
    if level is None:
        return Settlement.objects.none()
    waiting = Settlement.objects.filter(
        state=SettlementState.PENDING_TEAM_LEAD, required_level__rank__lte=level.rank)
    limit: Decimal | None = authority.limit
    if limit is not None:
        waiting = waiting.filter(proposed_payable__lte=limit)
    return waiting.exclude(escalated_by=user).order_by("created_at", "pk")


class AwaitingMyApprovalFilter(admin.SimpleListFilter):
    title = _("approval queue")
    parameter_name = "approval"

    def lookups(self, request, model_admin):
        return [("mine", _("Waiting for my approval"))]

    def queryset(self, request, queryset):
        if self.value() == "mine":
            return queryset.filter(
                pk__in=settlements_awaiting_approval(user=request.user).values("pk"))
        return queryset


def explanation_rows(settlement: Settlement, *, names: dict[str, str] | None = None) -> dict:
    """What the decider reads: the calculation's steps, who is paid what, what limited it.
    ``names``: the categories' names the caller has read for a list (``category_names``)."""
    data = settlement.explanation or {}
    return {
        "steps": steps_text(data.get("steps"), names=names),
        "payees": [p for p in data.get("payees", []) if "amount" in p],
        "owed": next((p["owed"] for p in data.get("payees", []) if "owed" in p), None),
        "claimed": data.get("claimed"),
        "deductible": data.get("deductible"),
        "payable": data.get("payable"),
    }
