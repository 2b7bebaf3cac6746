"""Periodic tasks of the policies app."""

from celery import shared_task

from .services import policies_expire_due


@shared_task(name="policies.policy_expire_due")
def policy_expire_due_task() -> int:
    """Daily: mark the policies whose expiry date has come as expired (idempotent)."""
    return policies_expire_due()
