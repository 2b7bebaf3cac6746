"""Emails to people, sent only after the transaction that caused them has committed."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

logger = logging.getLogger(__name__)
_muted: ContextVar[bool] = ContextVar("claims_notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """No emails inside the block (the demo loader: nobody to tell)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def email_after_commit(*, subject: str, body: str, recipients: Iterable[str]) -> None:
    """Send an email once the current transaction commits; a mail failure is logged and never
    undoes the business action."""
    to = sorted({address for address in recipients if address})
    if not to or _muted.get():
        return

    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
        except Exception:  # the SMTP server is down: the action stands, the log says so
            logger.exception("could not send %r to %s", subject, to)

    transaction.on_commit(send)
