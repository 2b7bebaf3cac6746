"""Fixtures of the outbox and relay tests."""

from __future__ import annotations

import pytest

from config import outbox


@pytest.fixture
def handed(monkeypatch) -> list[tuple[str, dict]]:
    """What reaches the broker for ``config.outbox_prune``: (task id, arguments) of each
    message, in order; nothing is really sent."""
    task = outbox._task("config.outbox_prune")
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(task, "apply_async",
                        lambda *args, **kwargs: sent.append((kwargs["task_id"], kwargs["kwargs"])))
    return sent


def task_ids(handed: list[tuple[str, dict]]) -> list[str]:
    return [task_id for task_id, _kwargs in handed]
