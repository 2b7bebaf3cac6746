"""Celery tasks of the events app; each calls the service it is named after and is idempotent."""

from celery import shared_task

from .services import claim_suggest_events, event_reports_register


@shared_task(name="events.claim_suggest_events")
def claim_suggest_events_task(claim_id: int) -> int:
    """After a claim is reported: suggest it for the events it probably belongs to."""
    return len(claim_suggest_events(claim_id=claim_id))


@shared_task(name="events.event_reports_register")
def event_reports_register_task() -> int:
    """Periodic (beat, every 5 s): the reports received under events become claims (the report
    service) linked to their event."""
    return event_reports_register()

