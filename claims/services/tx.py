"""One durable transaction per business action.

``business_action()`` is ``transaction.atomic(durable=True)``: a service never runs inside someone
else's transaction by accident. The one exception is a loader that deliberately wraps many actions
in one outer transaction (the demo data command does): it says so with ``batch()``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

_in_batch: ContextVar[bool] = ContextVar("claims_services_in_batch", default=False)


def business_action() -> transaction.Atomic:
    return transaction.atomic(durable=not _in_batch.get())


@contextmanager
def batch() -> Iterator[None]:
    """Allow business actions inside the caller's transaction (for loaders, not for requests)."""
    token = _in_batch.set(True)
    try:
        yield
    finally:
        _in_batch.reset(token)
