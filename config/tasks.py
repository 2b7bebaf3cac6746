from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from config import outbox


@shared_task(name="config.outbox_sweep")
def outbox_sweep_task() -> int:
    """Periodic: send what is pending (the broker was down) and again what was sent but never ran
    (the broker lost it); the workers' relay threads do the same every second."""
    return outbox.outbox_sweep()


@shared_task(name="config.outbox_prune")
def outbox_prune_task() -> int:
    """Periodic (daily): delete done messages older than ``OUTBOX_RETENTION_DAYS``."""
    return outbox.outbox_prune()


@shared_task(name="config.email_send")
def email_send_task(*, subject: str, body: str, recipients: list[str]) -> int:
    """Send one email. Enqueued through the outbox (``config.mail.email_enqueue``): it runs after
    the business transaction committed, is retried with back-off while the mail server fails, and
    is not sent again once its message is done."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, list(recipients))
