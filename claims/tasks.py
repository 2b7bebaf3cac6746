"""Celery tasks of the claims app; each calls the service it is named after and is idempotent."""

from celery import shared_task

from claims.services.activities import activities_escalate_overdue
from claims.services.receipts import report_receipts_register


@shared_task(name="claims.activities_escalate_overdue")
def activities_escalate_overdue_task() -> int:
    """Periodic (beat, every 5 minutes): escalate overdue activities once each."""
    return activities_escalate_overdue()


@shared_task(name="claims.report_receipts_register")
def report_receipts_register_task() -> int:
    """Periodic (beat, every 5 s): the reports received with ``Prefer: respond-async`` become
    claims through the report service."""
    return report_receipts_register()
