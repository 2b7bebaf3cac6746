"""Every write to a vendor job goes through these services (admin, portal, API and tasks)."""

from .adjuster_actions import (
    vendor_job_accept_for_payment,
    vendor_job_accept_invoice,
    vendor_job_approve_overrun,
    vendor_job_approve_quote,
    vendor_job_cancel,
    vendor_job_reject_invoice,
    vendor_job_reject_quote,
)
from .requests import (
    emergency_job_propose,
    jobs_escalate_unaccepted,
    vendor_job_escalate,
    vendor_job_request,
)
from .vendor_actions import (
    vendor_job_accept,
    vendor_job_complete,
    vendor_job_decline,
    vendor_job_invoice,
    vendor_job_progress_add,
    vendor_job_quote,
    vendor_job_report_upload,
)

__all__ = [
    "emergency_job_propose",
    "jobs_escalate_unaccepted",
    "vendor_job_accept",
    "vendor_job_accept_for_payment",
    "vendor_job_accept_invoice",
    "vendor_job_reject_invoice",
    "vendor_job_reject_quote",
    "vendor_job_approve_overrun",
    "vendor_job_approve_quote",
    "vendor_job_cancel",
    "vendor_job_complete",
    "vendor_job_decline",
    "vendor_job_escalate",
    "vendor_job_invoice",
    "vendor_job_progress_add",
    "vendor_job_quote",
    "vendor_job_report_upload",
    "vendor_job_request",
]
