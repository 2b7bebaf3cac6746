"""The one transition checker of every state machine (claims, vendor jobs): the transition exists
from the current state (409), the actor may take it (403), its conditions hold (409)."""

from __future__ import annotations

from django_fsm import can_proceed

from claims.exceptions import PermissionDeniedError, TransitionConflict


def transition_label(model, name: str) -> str:
    """The label a transition method of ``model`` shows its users."""
    first = next(iter(getattr(model, name)._django_fsm.transitions.values()))
    return first.custom.get("label", name)


def transition_check(obj, transition: str, by, *, noun: str,
                     condition_messages: dict[str, str], system: bool = False) -> None:
    """Raise if ``by`` may not apply ``transition`` to ``obj`` (a "claim", a "job") now;
    ``system=True``: the system acts, no role to check."""
    method = getattr(obj, transition)
    label = transition_label(type(obj), transition)
    if not can_proceed(method, check_conditions=False):
        state = obj.get_state_display().lower()
        raise TransitionConflict(f"'{label}' is not possible: the {noun} is {state}.")
    if not system and not method._django_fsm.has_transition_perm(obj, obj.state, by):
        raise PermissionDeniedError(f"You are not allowed to '{label}' this {noun}.")
    if not can_proceed(method):
        raise TransitionConflict(
            condition_messages.get(transition, f"'{label}' is not possible for this {noun}.")
        )
