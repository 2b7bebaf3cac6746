from celery import shared_task

from config import outbox


@shared_task(name="config.outbox_sweep")
def outbox_sweep_task() -> int:
    """Periodic: send again every task whose enqueue failed (broker down at the time)."""
    return outbox.outbox_sweep()
