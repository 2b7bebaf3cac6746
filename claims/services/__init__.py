"""Every write to a claim goes through these services (admin, portal, API and tasks alike)."""

from claims.services.activities import activities_escalate_overdue, activity_complete
from claims.services.coverage_check import claim_coverage_check
from claims.services.documents import document_add, note_add
from claims.services.editing import claim_assign, claim_duplicate_resolve, claim_update
from claims.services.information import (
    information_request_answer,
    information_request_cancel,
    information_request_create,
)
from claims.services.receipts import (
    report_receipt_register,
    report_receipts_register,
    report_receive,
    report_receive_if_valid,
)
from claims.services.report import claim_report
from claims.services.series import claim_series_link, claim_series_unlink
from claims.services.transitions import claim_transition

__all__ = [
    "activities_escalate_overdue",
    "activity_complete",
    "claim_assign",
    "claim_coverage_check",
    "claim_duplicate_resolve",
    "claim_report",
    "claim_series_link",
    "claim_series_unlink",
    "claim_transition",
    "claim_update",
    "document_add",
    "information_request_answer",
    "information_request_cancel",
    "information_request_create",
    "note_add",
    "report_receipt_register",
    "report_receipts_register",
    "report_receive_if_valid",
    "report_receive",
]
