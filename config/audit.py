"""``audit_record``: the one way to write an audit entry, inside the caller's transaction."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

from config.models import AuditEntry
from config.rows import RowBatch


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, models.Model):
        return value.pk
    return value


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model,
    from_value: Any = "",
    to_value: Any = "",
    reason: str = "",
    payload: dict | None = None,
    claim_id: int | None = None,
    rows: RowBatch | None = None,
) -> AuditEntry:
    """Record that ``actor`` did ``action`` to ``obj``, changing it from ``from_value`` to
    ``to_value``. ``actor`` may be None for the system (beat tasks). ``rows``: written with the
    caller's batch (in the same transaction) instead of at once."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        claim_id=claim_id,
        from_value=str(_plain(from_value))[:200],
        to_value=str(_plain(to_value))[:200],
        reason=reason,
        payload=_plain(payload or {}),
    )
    if rows is not None:
        return rows.insert(entry)
    entry.save(force_insert=True)
    return entry
