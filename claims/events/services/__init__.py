"""Every write about cyber events goes through these services (admin, portal, API, tasks)."""

from .bulk import (
    AssignMode,
    BulkResult,
    event_bulk_assign,
    event_bulk_commission,
    event_bulk_information_request,
    event_bulk_note,
    vendor_commission_within_capacity,
)
from .capacity import vendor_capacity_set
from .declare import event_close, event_declare, event_update
from .intake import event_report_register, event_report_submit, event_reports_register
from .links import event_claim_link, event_claim_unlink, event_claims_link
from .suggestions import (
    claim_suggest_events,
    event_suggest,
    suggestion_confirm,
    suggestion_reject,
)

__all__ = [
    "AssignMode",
    "BulkResult",
    "claim_suggest_events",
    "event_bulk_assign",
    "event_bulk_commission",
    "event_bulk_information_request",
    "event_bulk_note",
    "event_claim_link",
    "event_claim_unlink",
    "event_claims_link",
    "event_close",
    "event_declare",
    "event_report_register",
    "event_report_submit",
    "event_reports_register",
    "event_suggest",
    "event_update",
    "suggestion_confirm",
    "suggestion_reject",
    "vendor_capacity_set",
    "vendor_commission_within_capacity",
]
