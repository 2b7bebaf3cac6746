"""Celery tasks of the events app; each calls the service it is named after and is idempotent."""

from celery import shared_task

from .services import claim_suggest_events, event_report_register


@shared_task(name="events.claim_suggest_events")
def claim_suggest_events_task(claim_id: int) -> int:
    """After a claim is reported: suggest it for the events it probably belongs to."""
    return len(claim_suggest_events(claim_id=claim_id))


@shared_task(name="events.event_report_register")
def event_report_register_task(report_id: int) -> int | None:
    """A report received under an event becomes a claim (the report service) linked to it."""
    claim = event_report_register(report_id=report_id)
    return claim.pk if claim else None

