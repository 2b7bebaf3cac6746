"""The admin of received reports (``Prefer: respond-async``): read-only, so adjusters see what
is waiting and what failed (with the reason), and open the claim a report became."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from claims.admin.display import EMPTY, claim_link
from claims.events.admin.others import AdjustersOnly
from claims.models import ReportReceipt


@admin.register(ReportReceipt)
class ReportReceiptAdmin(AdjustersOnly, admin.ModelAdmin):
    list_display = ["id", "received_at", "status", "policyholder", "policy_number",
                    "claim_link", "error", "processed_at"]
    list_filter = ["status"]
    search_fields = ["policy__number"]  # the policy number (a help text would be its only label)
    list_select_related = ["policy__policyholder", "claim"]
    ordering = ["-received_at", "-id"]
    fields = ["status", "received_at", "processed_at", "error", "claim_link", "reported_by",
              "policy", "loss_type", "loss_date", "description", "emergency",
              "estimated_amount", "claimant_name", "claimant_email", "claimant_address"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("policyholder"), ordering="policy__policyholder__company_name")
    def policyholder(self, receipt):
        return receipt.policy.policyholder

    @admin.display(description=_("policy"), ordering="policy__number")
    def policy_number(self, receipt):
        return receipt.policy.number

    @admin.display(description=_("claim"))
    def claim_link(self, receipt):
        return EMPTY if receipt.claim_id is None else claim_link(receipt.claim)
