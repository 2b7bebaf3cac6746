"""One way to enqueue a Celery task: ``enqueue(task_name, **kwargs)``.

The message is stored in the caller's transaction and published after commit, with the broker's
short timeouts, so a request never hangs and never loses work when Redis is down.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.celery import app
from config.models import OutboxMessage

logger = logging.getLogger(__name__)


def enqueue(task_name: str, **kwargs) -> OutboxMessage:
    """Record ``task_name(**kwargs)`` now; publish it once the current transaction commits."""
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    transaction.on_commit(lambda: publish(message.pk))
    return message


def _task(name: str):
    """The registered task called ``name``; the apps' ``tasks`` modules are imported on first use
    (Celery discovers them lazily, and a web process may not have imported them yet)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def publish(message_id: int) -> bool:
    """Send one pending message to the broker; on failure leave it pending for the sweep.

    The row is locked (``SKIP LOCKED``) while it is sent, so the after-commit publish and the sweep
    never send the same message at the same moment.
    """
    if app.conf.task_always_eager:
        # No broker: run the task in-process, outside any transaction of ours.
        updated = OutboxMessage.objects.filter(
            pk=message_id, status=OutboxMessage.Status.PENDING
        ).update(status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=1)
        if updated:
            message = OutboxMessage.objects.get(pk=message_id)
            _task(message.task_name).apply_async(kwargs=message.kwargs)
        return bool(updated)
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=message_id, status=OutboxMessage.Status.PENDING)
            .first()
        )
        if message is None:
            return False
        message.attempts += 1
        try:
            _task(message.task_name).apply_async(kwargs=message.kwargs, retry=False)
        except Exception as error:  # broker down, timeout, unknown task: keep it for the sweep
            logger.warning("could not enqueue %s: %s", message, error)
            message.last_error = f"{type(error).__name__}: {error}"[:2000]
            message.save(update_fields=["attempts", "last_error"])
            return False
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["attempts", "status", "sent_at"])
        return True


def outbox_sweep(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Publish pending messages older than ``older_than``; returns how many were sent."""
    older_than = (
        older_than if older_than is not None else timedelta(seconds=settings.OUTBOX_RETRY_AFTER)
    )
    cutoff = timezone.now() - older_than
    pending = list(
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in pending if publish(pk))
