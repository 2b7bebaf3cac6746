"""Transactions, as Zulip's actions do them.

A public service opens ``business_action()``: ``transaction.atomic(durable=True)``, so it never
runs inside someone else's transaction by accident. A service that composes others calls them with
``composed=True``: they then run as steps in the caller's transaction
(``atomic(savepoint=False)``), all or nothing with it. Nothing ambient decides whether a service
opens its own transaction or sends email: such flags (``composed``, ``notify``) are keyword
arguments, passed explicitly by the caller.
"""

from __future__ import annotations

from django.db import transaction


def business_action(*, composed: bool = False) -> transaction.Atomic:
    """The durable transaction of a public service; ``composed=True``: a step of the caller's."""
    if composed:
        return transaction.atomic(savepoint=False)
    return transaction.atomic(durable=True)
