"""What a vendor sees of a job: the claim facts needed for the work, nothing else (no premiums,
sums insured, internal notes or other vendors' jobs)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from claims.amounts import AmountField
from claims.api.serializers.common import TEXT_MAX, FieldsBuiltOnce, StrictInputSerializer
from claims.api.serializers.rows import RowsSerializer
from privacy.least_data import vendor_job_contact

from ..models import VendorJob, VendorProgressUpdate


class PolicyholderContactSerializer(FieldsBuiltOnce, serializers.Serializer):
    company_name = serializers.CharField()
    contact_name = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.EmailField()
    street = serializers.CharField()
    postcode = serializers.CharField()
    city = serializers.CharField()


class ClaimFactsSerializer(FieldsBuiltOnce, serializers.Serializer):
    number = serializers.CharField()
    loss_type = serializers.CharField(source="loss_type.name")
    loss_date = serializers.DateField()
    emergency = serializers.BooleanField()
    description = serializers.CharField()
    policyholder = serializers.SerializerMethodField()

    @extend_schema_field(PolicyholderContactSerializer)
    def get_policyholder(self, claim) -> dict:
        """Least data: only what the job's state allows (``privacy.least_data``)."""
        return PolicyholderContactSerializer(self.context["contact"]).data


class ProgressUpdateSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    class Meta:
        model = VendorProgressUpdate
        fields = ["id", "percent", "text", "visible_to_policyholder", "created_at"]


class JobListSerializer(FieldsBuiltOnce, serializers.ModelSerializer):
    state_label = serializers.CharField(source="get_state_display")
    service = serializers.CharField(source="service.code")
    service_name = serializers.CharField(source="service.name")
    claim_number = serializers.CharField(source="claim.number")
    loss_type = serializers.CharField(source="claim.loss_type.name")

    class Meta:
        model = VendorJob
        fields = ["id", "state", "state_label", "service", "service_name", "claim_number",
                  "loss_type", "emergency", "requested_at", "accept_deadline", "progress_percent"]
        # The list reads each column once per page (the values as the fields write them).
        list_serializer_class = RowsSerializer


class JobDetailSerializer(JobListSerializer):
    claim = serializers.SerializerMethodField()
    contact_note = serializers.SerializerMethodField()
    report_document = serializers.CharField(source="report_document.original_name",
                                            default=None)
    invoice_document = serializers.CharField(source="invoice_document.original_name",
                                             default=None)
    progress_updates = ProgressUpdateSerializer(many=True)
    actions = serializers.SerializerMethodField()

    class Meta(JobListSerializer.Meta):
        fields = [*JobListSerializer.Meta.fields, "scope", "estimate", "approved_estimate",
                  "decline_reason", "cancel_reason", "rejection_reason", "invoice_amount",
                  "report_document", "invoice_document", "claim", "contact_note",
                  "progress_updates", "actions"]

    def _contact(self, job: VendorJob):
        return vendor_job_contact(job)

    @extend_schema_field(ClaimFactsSerializer)
    def get_claim(self, job: VendorJob) -> dict:
        return ClaimFactsSerializer(job.claim, context={"contact": self._contact(job)}).data

    def get_contact_note(self, job: VendorJob) -> str:
        return self._contact(job).note

    def get_actions(self, job: VendorJob) -> list[str]:
        from ..portal.actions import vendor_actions_available

        return vendor_actions_available(job)


class DeclineSerializer(StrictInputSerializer):
    reason = serializers.CharField(max_length=TEXT_MAX)


class QuoteSerializer(StrictInputSerializer):
    estimate = AmountField(min_value=Decimal("0.01"))
    scope = serializers.CharField(max_length=TEXT_MAX)


class ProgressSerializer(StrictInputSerializer):
    percent = serializers.IntegerField(min_value=0, max_value=100)
    text = serializers.CharField(max_length=TEXT_MAX)
    visible_to_policyholder = serializers.BooleanField(default=False)


class ReportSerializer(StrictInputSerializer):
    file = serializers.FileField()


class InvoiceSerializer(StrictInputSerializer):
    amount = AmountField(min_value=Decimal("0.01"))
    file = serializers.FileField()
