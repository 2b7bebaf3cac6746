"""Payments, the insured's share of the deductible, first-8-hours assessments, ransom
agreements, authority levels (adjusters)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from claims.money.models import (
    AuthorityLevel,
    InterruptionAssessment,
    Payment,
    RansomAgreement,
    SecurityProofDecision,
)

from .common import MONEY, StrictInputSerializer
from .money import ClaimSectionField


class PaymentSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", default=None)

    class Meta:
        model = Payment
        fields = ["id", "settlement", "payee_kind", "payee_name", "vendor", "vendor_name",
                  "amount", "status", "external_reference", "created_at", "paid_at"]
        read_only_fields = fields


class InsuredShareSerializer(serializers.Serializer):
    """The deductible is the insured's: what was taken from its payments, what it owed, and what
    of that was received, written off or is still owed."""

    deducted = serializers.DecimalField(**MONEY)
    owed = serializers.DecimalField(**MONEY)
    received = serializers.DecimalField(**MONEY)
    written_off = serializers.DecimalField(**MONEY)
    still_owed = serializers.DecimalField(**MONEY)


class PaymentsSerializer(serializers.Serializer):
    payments = PaymentSerializer(many=True)
    insured_share = InsuredShareSerializer()


class DeductibleSettleSerializer(StrictInputSerializer):
    how = serializers.ChoiceField(choices=[("received", gettext_lazy("Received from the insured")),
                                           ("written_off", gettext_lazy("Written off"))])
    amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    reason = serializers.CharField()


class InterruptionAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = InterruptionAssessment
        fields = ["id", "section", "first_8_hours_loss", "reason", "created_by", "created_at"]
        read_only_fields = fields


class InterruptionAssessmentInputSerializer(StrictInputSerializer):
    first_8_hours_loss = serializers.DecimalField(**MONEY)
    section = ClaimSectionField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RansomAgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = RansomAgreement
        fields = ["id", "agreed_by_name", "agreed_at", "police_report_reference", "note",
                  "recorded_by", "created_at"]
        read_only_fields = fields


class RansomAgreementInputSerializer(StrictInputSerializer):
    agreed_by_name = serializers.CharField()
    agreed_at = serializers.DateTimeField()
    police_report_reference = serializers.CharField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class AuthorityLevelSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.name")

    class Meta:
        model = AuthorityLevel
        fields = ["id", "rank", "name", "group", "approval_limit"]
        read_only_fields = fields


class SecurityProofDecisionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SecurityProofDecision
        fields = ["id", "outcome", "reason", "discount_lost_from_year", "premium_difference",
                  "decided_by", "decided_at"]
        read_only_fields = fields


class SecurityProofInputSerializer(StrictInputSerializer):
    outcome = serializers.ChoiceField(choices=SecurityProofDecision.Outcome.choices)
    reason = serializers.CharField()
