"""Celery tasks of the vendors app; each calls the service it is named after and is idempotent."""

from celery import shared_task

from .services import emergency_job_propose, jobs_escalate_unaccepted


@shared_task(name="vendors.emergency_job_propose")
def emergency_job_propose_task(claim_id: int) -> int | None:
    """After an emergency claim is reported: commission the best 24/7 forensics vendor."""
    job = emergency_job_propose(claim_id=claim_id)
    return job.pk if job else None


@shared_task(name="vendors.jobs_escalate_unaccepted")
def jobs_escalate_unaccepted_task() -> int:
    """Periodic (beat, every minute): offer unaccepted emergency jobs to the next vendor."""
    return jobs_escalate_unaccepted()
