"""Vendor jobs as the adjuster works them: commissioning, quote and invoice decisions, and the
vendor organisations and services to choose from."""

from __future__ import annotations

from rest_framework import serializers

from claims.vendors.models import VendorJob, VendorOrganisation, VendorService

from .common import MONEY, StrictInputSerializer


class VendorServiceSerializer(serializers.ModelSerializer):
    cost_category = serializers.CharField(source="cost_category.code")

    class Meta:
        model = VendorService
        fields = ["id", "code", "name", "cost_category"]
        read_only_fields = fields


class VendorOrganisationSerializer(serializers.ModelSerializer):
    services = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = VendorOrganisation
        fields = ["id", "name", "services", "regions", "nationwide", "available_24_7",
                  "panel_member", "contact_name", "contact_email", "contact_phone", "active"]
        read_only_fields = fields


class AdjusterJobSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name")
    service = serializers.CharField(source="service.code")
    state_label = serializers.CharField(source="get_state_display")
    invoice_limit = serializers.DecimalField(**MONEY, allow_null=True)
    invoice_over_tolerance = serializers.BooleanField()

    class Meta:
        model = VendorJob
        fields = ["id", "claim", "organisation", "organisation_name", "service", "state",
                  "state_label", "emergency", "scope", "estimate", "approved_estimate",
                  "invoice_amount", "invoice_limit", "invoice_over_tolerance",
                  "overrun_reason", "rejection_reason", "cancel_reason", "cost_line_ref",
                  "requested_at", "accept_deadline", "closed_at"]
        read_only_fields = fields


class CommissionSerializer(StrictInputSerializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=VendorOrganisation.objects.all())
    service = serializers.SlugRelatedField(slug_field="code",
                                           queryset=VendorService.objects.all())
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    emergency = serializers.BooleanField(required=False, default=False)


class ApproveQuoteSerializer(StrictInputSerializer):
    approved_estimate = serializers.DecimalField(**MONEY, required=False, allow_null=True)


class AcceptInvoiceSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   help_text="Needed when the invoice is above the tolerance.")
