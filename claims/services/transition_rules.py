"""The rules other apps add to a claim's transitions, without the claim workflow importing them.

``claim_transition`` calls every registered rule, in the order registered:

- ``check(claim=, transition=)`` before anything changes; it raises (e.g. ``TransitionConflict``)
  to refuse the transition;
- ``apply(claim=, transition=, by=, now=)`` inside the transition's transaction, after the claim is
  saved and audited; an exception rolls the whole transition back.

The app that owns a rule registers it once, in its ``AppConfig.ready()``: vendors (mitigation
needs a job; the open jobs end with the claim), money (reserves run off when the claim closes and
come back when it reopens). Unlike a signal, a rule is part of the transition: called explicitly,
in a fixed order, in the same transaction, and it can refuse it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TransitionRule:
    name: str
    check: Callable[..., None] | None = None
    apply: Callable[..., object] | None = None


_rules: dict[str, TransitionRule] = {}


def transition_rule_register(rule: TransitionRule) -> None:
    """Add ``rule`` (registering a name again replaces its rule, in its place)."""
    _rules[rule.name] = rule


def transition_rules() -> tuple[TransitionRule, ...]:
    return tuple(_rules.values())
