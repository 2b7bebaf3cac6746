"""Cost lines, reserves and settlements (adjusters). Amounts the server computes are read-only;
a section must be one of the claim's policy."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.amounts import MAX_AMOUNT, MAX_CLAIM_TOTAL, AmountField
from claims.money.models import CostLine, PayeeKind, ReserveChange, ReserveKind, Settlement
from claims.money.steps import category_names, with_steps_json
from claims.vendors.models import VendorOrganisation
from coverage.models import CostCategory
from policies.models import CoverageSection

from .common import TEXT_MAX, StrictInputSerializer


@extend_schema_field(OpenApiTypes.INT)
class ClaimSectionField(serializers.PrimaryKeyRelatedField):
    """A coverage section of the claim's own policy (another id: "not a section of this
    claim's policy")."""

    default_error_messages = {
        "does_not_exist": gettext_lazy("Not a section of this claim's policy."),
        "incorrect_type": gettext_lazy("Not a section of this claim's policy."),
    }

    def get_queryset(self):
        claim = self.context.get("claim")
        if claim is None:
            return CoverageSection.objects.none()
        return CoverageSection.objects.filter(policy_id=claim.policy_id)


class CostLineSerializer(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", read_only=True)

    class Meta:
        model = CostLine
        fields = ["id", "section", "category", "amount", "payee_kind", "payee_name", "vendor",
                  "source", "source_job_id", "reason", "created_by", "created_at"]
        read_only_fields = fields


class CostLineInputSerializer(StrictInputSerializer):
    category = serializers.SlugRelatedField(slug_field="code",
                                            queryset=CostCategory.objects.all())
    amount = AmountField(min_value=-MAX_AMOUNT,
                         help_text="Negative: a correction of an earlier line (give a reason).")
    payee_kind = serializers.ChoiceField(choices=PayeeKind.choices)
    vendor = serializers.PrimaryKeyRelatedField(
        queryset=VendorOrganisation.objects.all(), required=False, allow_null=True
    )
    section = ClaimSectionField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=TEXT_MAX)

    def validate_amount(self, amount):
        claim = self.context.get("claim")
        if claim is not None:
            total = claim.cost_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")
            if abs(total + amount) > MAX_CLAIM_TOTAL:
                raise serializers.ValidationError(
                    _("The claim's cost lines would total %(value)s; the maximum is "
                      "%(max_claim_total)s.") % {
                        "value": format(total + amount, ',.2f'),
                        "max_claim_total": format(MAX_CLAIM_TOTAL, ',.2f')})
        return amount


class ReserveSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReserveChange
        fields = ["id", "section", "kind", "level", "previous_level", "reason", "created_by",
                  "created_at"]
        read_only_fields = fields


class ReserveInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=ReserveKind.choices)
    level = AmountField()
    reason = serializers.CharField(max_length=TEXT_MAX)
    section = ClaimSectionField(required=False, allow_null=True)


class SectionChoiceSerializer(StrictInputSerializer):
    section = ClaimSectionField(required=False, allow_null=True)


class SettlementStepSerializer(serializers.Serializer):
    """One step of the calculation: ``code`` and ``args`` for programs (amounts as decimal
    strings, a category as its code; ``notes`` are clauses of the step), ``text`` for people, in
    the request's language. Steps stored before the codes existed have ``code`` null."""

    code = serializers.CharField(allow_null=True)
    args = serializers.DictField()
    notes = serializers.ListField(child=serializers.DictField(), required=False)
    text = serializers.CharField()


class SettlementListSerializer(serializers.ListSerializer):
    """Settlements with the names of every category their steps name, read once for the list
    (``claims.money.steps.category_names``)."""

    def to_representation(self, data):
        settlements = list(data.all() if hasattr(data, "all") else data)
        self.context["category_names"] = category_names(
            settlement.explanation for settlement in settlements)
        return super().to_representation(settlements)


class SettlementSerializer(serializers.ModelSerializer):
    explanation = serializers.SerializerMethodField(
        help_text="The figures, per-category breakdown and the steps (each as in the preview).")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_explanation(self, settlement) -> dict:
        return with_steps_json(settlement.explanation,
                               names=self.context.get("category_names"))

    class Meta:
        list_serializer_class = SettlementListSerializer
        model = Settlement
        fields = ["id", "claim", "section", "account", "state", "proposed_payable",
                  "approved_amount", "deductible_taken", "limited_by", "explanation",
                  "refusal_reason", "proposed_by", "decided_by", "decided_at", "created_at"]
        read_only_fields = fields


class SettlementPreviewSerializer(serializers.Serializer):
    """The calculation as it would be approved now (amounts as strings with two places)."""

    covered = serializers.CharField()
    uncovered = serializers.CharField()
    deductible = serializers.CharField()
    claim_total = serializers.CharField()
    due = serializers.CharField()
    payable = serializers.CharField()
    aggregate_remaining = serializers.CharField()
    limited_by = serializers.ListField(child=serializers.CharField())
    claimed = serializers.CharField()
    deductible_effective = serializers.CharField()
    aggregate_left = serializers.CharField()
    categories = serializers.ListField(child=serializers.DictField())
    steps = SettlementStepSerializer(many=True)
    warnings = serializers.ListField(
        child=serializers.CharField(),
        help_text="E.g. a business-interruption section without a first-8-hours assessment.")
