"""Claim financials in the API: figures, recoveries, cancelling or voiding a payment, exports."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from claims.money.models import PayeeKind, Payment, Recovery

from .common import MONEY, StrictInputSerializer


class FiguresSerializer(serializers.Serializer):
    label = serializers.CharField()
    claims = serializers.IntegerField()
    paid = serializers.DecimalField(**MONEY)
    loss_reserve = serializers.DecimalField(**MONEY)
    expense_reserve = serializers.DecimalField(**MONEY)
    outstanding_reserve = serializers.DecimalField(**MONEY)
    recovered = serializers.DecimalField(**MONEY)
    recovery_reserve = serializers.DecimalField(**MONEY)
    incurred = serializers.DecimalField(**MONEY)


class SectionFiguresSerializer(FiguresSerializer):
    section = serializers.IntegerField()


class ClaimFinancialsSerializer(serializers.Serializer):
    sections = SectionFiguresSerializer(many=True)
    total = FiguresSerializer()


class YearFiguresSerializer(SectionFiguresSerializer):
    insurance_year = serializers.IntegerField(allow_null=True)


class PolicyFinancialsSerializer(serializers.Serializer):
    years = YearFiguresSerializer(many=True)
    total = FiguresSerializer()


class RecoverySerializer(serializers.ModelSerializer):
    expected = serializers.SerializerMethodField()
    received = serializers.SerializerMethodField()
    written_off = serializers.SerializerMethodField()
    open = serializers.SerializerMethodField()

    class Meta:
        model = Recovery
        fields = ["id", "kind", "counterparty", "description", "section", "settlement",
                  "expected", "received", "written_off", "open", "created_by", "created_at"]
        read_only_fields = fields

    def _sum(self, obj, *kinds) -> Decimal:
        return sum((e.amount for e in obj.entries.all() if e.kind in kinds), Decimal("0.00"))

    def get_expected(self, obj) -> Decimal:
        return self._sum(obj, "recovery_reserve")

    def get_received(self, obj) -> Decimal:
        return -self._sum(obj, "recovery_received") + 0

    def get_written_off(self, obj) -> Decimal:
        return -self._sum(obj, "recovery_written_off") + 0

    def get_open(self, obj) -> Decimal:
        return self._sum(obj, "recovery_reserve", "recovery_received", "recovery_written_off")

    def to_representation(self, obj):
        data = super().to_representation(obj)
        for name in ("expected", "received", "written_off", "open"):
            data[name] = f"{data[name]:.2f}"
        return data


class RecoveryInputSerializer(StrictInputSerializer):
    kind = serializers.ChoiceField(choices=Recovery.Kind.choices)
    counterparty = serializers.CharField()
    expected = serializers.DecimalField(**MONEY)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class RecoveryRecordSerializer(StrictInputSerializer):
    how = serializers.ChoiceField(choices=[("received", gettext_lazy("Received")),
                                           ("written_off", gettext_lazy("Written off")),
                                           ("expected", gettext_lazy("New expected amount"))])
    amount = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    expected = serializers.DecimalField(**MONEY, required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PaymentVoidSerializer(StrictInputSerializer):
    reason = serializers.CharField()
    reissue_to = serializers.CharField(required=False, allow_blank=True, default="")
    reissue_payee_kind = serializers.ChoiceField(choices=PayeeKind.choices, required=False,
                                                 allow_blank=True, default="")


class PaymentVoidResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "payee_kind", "payee_name", "amount", "status", "void_reason",
                  "voided_at", "replaces"]
        read_only_fields = fields
