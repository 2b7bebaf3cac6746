"""The task outbox: every Celery task is written here in the business transaction first."""

from django.db import models


class OutboxMessage(models.Model):
    """A task to send to the broker once its transaction has committed, kept until it has run.

    A row is created inside the business transaction and published after commit (``sent``). It is
    ``done`` only when the task itself has run to the end in a worker, never when it was merely
    handed to Redis: a message lost in the broker (a Redis restart) stays ``sent`` and the relay
    sends it again. A task that raised is retried with exponential back-off (``next_attempt_at``);
    after ``OUTBOX_MAX_ATTEMPTS`` it is ``failed`` and shown by ``/healthz``. Tasks are idempotent,
    and a message already ``done`` is never run again, so a message sent twice does no harm.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent (waiting for the worker)"
        DONE = "done", "Done"
        FAILED = "failed", "Failed (gave up)"

    task_name = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    failures = models.PositiveIntegerField(
        default=0, help_text="How often the task itself raised (drives the back-off)."
    )
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True,
        help_text="Not sent again before this time (back-off after a failure).",
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk} ({self.status})"

    @property
    def celery_task_id(self) -> str:
        """The Celery task id of this message: the worker confirms the row through it."""
        return f"outbox-{self.pk}"


class WorkerHeartbeat(models.Model):
    """A Celery worker's sign of life, written every few seconds by the worker's relay thread;
    ``/healthz`` says whether any worker was seen recently."""

    hostname = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()
    pid = models.PositiveIntegerField(default=0)
    broker_run_id = models.CharField(
        max_length=64, blank=True,
        help_text="The Redis run_id this worker last saw: a new one means Redis restarted.",
    )

    def __str__(self) -> str:
        return f"{self.hostname} ({self.seen_at:%H:%M:%S})"


class AuditEntry(models.Model):
    """An immutable record of a change: who, when, what, from, to, why.

    Written inside the same transaction as the change it records. PostgreSQL triggers (see the
    migration) refuse UPDATE and DELETE on this table, so history cannot be rewritten.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="Who made the change; empty for the system (scheduled tasks).",
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200, blank=True)
    claim_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    from_value = models.CharField(max_length=200, blank=True)
    to_value = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are immutable.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are immutable.")


class IdempotencyKey(models.Model):
    """The first response to a write sent with an ``Idempotency-Key`` header.

    The row is inserted in the same transaction as the write it guards; a concurrent request with
    the same key blocks on the unique index until that transaction ends, then replays the stored
    response. ``request_hash`` covers method, path and body: the key reused for another request
    is refused.
    """

    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_once_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.key}]"
