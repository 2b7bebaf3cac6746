"""What the privacy API reads and writes."""

from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from claims.api.serializers.common import StrictInputSerializer
from claims.models import Claim
from claims.vendors.models import VendorOrganisation
from policies.models import Policyholder

from ..models import AccessLogEntry, DataExport, ErasureRequest, LegalHold, SubjectKind


class SubjectSerializer(StrictInputSerializer):
    """Who the request is about (administrators); policyholders leave it out (themselves)."""

    subject_kind = serializers.ChoiceField(choices=SubjectKind.choices)
    policyholder = serializers.PrimaryKeyRelatedField(
        queryset=Policyholder.objects.all(), required=False, allow_null=True)
    claimant_email = serializers.EmailField(required=False, allow_blank=True)
    vendor_organisation = serializers.PrimaryKeyRelatedField(
        queryset=VendorOrganisation.objects.all(), required=False, allow_null=True)


class ErasureInputSerializer(SubjectSerializer):
    note = serializers.CharField(required=False, allow_blank=True)


class MyErasureInputSerializer(StrictInputSerializer):
    note = serializers.CharField(required=False, allow_blank=True)


class DataExportSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject_label")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = DataExport
        fields = ["id", "subject_kind", "subject", "status", "progress", "step", "requested_at",
                  "finished_at", "expires_at", "size", "sha256", "contents", "download_url"]

    def get_download_url(self, export: DataExport) -> str | None:
        if export.status != DataExport.Status.READY:
            return None
        name = self.context.get("download_route", "privacy_api:export-download")
        return reverse(name, args=[export.pk])


class ErasureRequestSerializer(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject_label")

    class Meta:
        model = ErasureRequest
        fields = ["id", "subject_kind", "subject", "status", "note", "received_at", "due_by",
                  "answered_at", "erased", "kept"]


class LegalHoldSerializer(StrictInputSerializer, serializers.ModelSerializer):
    claim = serializers.PrimaryKeyRelatedField(queryset=Claim.objects.all())
    claim_number = serializers.CharField(source="claim.number", read_only=True)
    placed_by = serializers.StringRelatedField()
    released_by = serializers.StringRelatedField()
    active = serializers.BooleanField(source="is_active", read_only=True)

    class Meta:
        model = LegalHold
        fields = ["id", "claim", "claim_number", "reason", "active", "placed_by", "placed_at",
                  "released_by", "released_at", "release_reason"]
        read_only_fields = ["placed_at", "released_at", "release_reason"]


class ReleaseSerializer(StrictInputSerializer):
    reason = serializers.CharField()


class AccessLogEntrySerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()
    claim_number = serializers.CharField(source="claim.number", default=None)
    document = serializers.CharField(source="document.original_name", default=None)

    class Meta:
        model = AccessLogEntry
        fields = ["id", "at", "user", "what", "channel", "claim", "claim_number", "document",
                  "policyholder"]


class RetentionSerializer(serializers.Serializer):
    claim = serializers.IntegerField(source="claim.pk")
    claim_number = serializers.CharField(source="claim.number")
    rule = serializers.CharField(source="rule.applies_to", default=None)
    legal_basis = serializers.CharField(source="rule.legal_basis", default=None)
    retention_from = serializers.DateTimeField()
    kept_until = serializers.DateField()
    legal_hold = serializers.IntegerField(source="hold.pk", default=None)
    pseudonymised = serializers.BooleanField()
    due = serializers.SerializerMethodField()

    def get_due(self, retention) -> bool:
        from django.utils import timezone

        return retention.due(timezone.localdate())
