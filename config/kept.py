"""``Kept``: what a process makes once for each key and then reuses (a rendered sidebar, a form
class, an app list), bounded."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    """Values made once per process for each key, at most ``limit`` of them: when full, all are
    dropped (the keys in use are few; a flood of new ones only costs making them again). The
    key must hold everything the value depends on."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._values: dict[Hashable, V] = {}

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        value = self._values.get(key)
        if value is None:
            if len(self._values) >= self.limit:
                self._values.clear()
            value = self._values[key] = make()
        return value
