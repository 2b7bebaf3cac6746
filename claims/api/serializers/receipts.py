"""A report received with ``Prefer: respond-async``: its status resource."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.models import ReportReceipt

from .common import FieldsBuiltOnce


def _url(serializer: serializers.Serializer, name: str, pk: int) -> str:
    path = reverse(name, args=[pk])
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class ReceiptClaimSerializer(FieldsBuiltOnce, serializers.Serializer):
    """The claim a received report became."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="``/api/me/claims/<id>/``.")

    def get_url(self, claim) -> str:
        return _url(self, "api:my-claim", claim.pk)


# How the receipts' times are written (the model serializer's DateTimeField: ISO 8601 in the
# current time zone).
_STAMP = serializers.DateTimeField()


class ReportReceiptSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    """A received report: ``received`` until a worker registers it (moments later), then
    ``registered`` with its claim, or ``failed`` with the reason (the policyholder is told by
    email too)."""

    url = serializers.SerializerMethodField(help_text="This status resource "
                                                      "(``/api/me/reports/<id>/``).")
    claim = serializers.SerializerMethodField()

    class Meta:
        model = ReportReceipt
        fields = ["id", "url", "status", "received_at", "processed_at", "error", "claim"]
        read_only_fields = fields

    def to_representation(self, receipt: ReportReceipt) -> dict:
        """The fields above, written out: the answer of every asynchronous report, without
        binding and walking a copy of each field per receipt."""
        return {
            "id": receipt.pk, "url": self.get_url(receipt), "status": receipt.status,
            "received_at": _STAMP.to_representation(receipt.received_at),
            "processed_at": (None if receipt.processed_at is None
                             else _STAMP.to_representation(receipt.processed_at)),
            "error": receipt.error, "claim": self.get_claim(receipt),
        }

    def get_url(self, receipt: ReportReceipt) -> str:
        return _url(self, "api:my-report", receipt.pk)

    @extend_schema_field(ReceiptClaimSerializer(allow_null=True))
    def get_claim(self, receipt: ReportReceipt) -> dict | None:
        if receipt.claim_id is None:
            return None
        return ReceiptClaimSerializer(receipt.claim, context=self.context).data
