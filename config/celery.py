"""The Celery application: tasks are autodiscovered in every app's ``tasks.py``.

Every task is an ``OutboxTask``: a task sent through the outbox (task id ``outbox-<pk>``) runs at
most once at a time, is skipped when its message is already done, and confirms its message when it
has run to the end (or records the failure for a retry with back-off). A worker also runs the
outbox relay and writes its heartbeat (``config.relay``).
"""

import os

from celery import Celery, Task
from celery.signals import worker_ready, worker_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


class OutboxTask(Task):
    def __call__(self, *args, **kwargs):
        from config import outbox

        message_id = outbox.message_id(getattr(self.request, "id", None))
        if message_id is None:  # a periodic task from beat, or a direct call
            return super().__call__(*args, **kwargs)
        with outbox.delivery(message_id) as run:
            if not run:
                return None
            try:
                result = super().__call__(*args, **kwargs)
            except Exception as error:
                outbox.record_failure(message_id, error)
                raise
            run.confirm()
            return result


app = Celery("claims", task_cls=OutboxTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def _start_relay(sender=None, **kwargs):
    from config import relay

    relay.start(hostname=getattr(sender, "hostname", "") or "")


@worker_shutdown.connect
def _stop_relay(sender=None, **kwargs):
    from config import relay

    relay.stop()
