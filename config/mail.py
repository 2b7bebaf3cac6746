"""Email as a task: ``email_enqueue`` stores the email in the outbox of the current transaction;
a worker sends it after commit (``config.email_send``), retried while the mail server fails, and
never twice. The apps' notification modules write the emails; only the task talks to SMTP."""

from __future__ import annotations

from collections.abc import Iterable

from config.outbox import enqueue
from config.rows import RowBatch


def email_enqueue(*, subject: str, body: str, recipients: Iterable[str],
                  rows: RowBatch | None = None) -> None:
    """Queue an email to ``recipients`` (empty addresses dropped; nothing when none is left);
    ``rows``: with the caller's batch of rows."""
    to = sorted({address for address in recipients if address})
    if not to:
        return
    enqueue("config.email_send", rows=rows, subject=str(subject), body=str(body),
            recipients=to)
