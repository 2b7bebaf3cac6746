"""The one transition checker of every state machine (claims, vendor jobs): the transition exists
from the current state (409), the actor may take it (403), its conditions hold (409)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from claims.exceptions import PermissionDeniedError, TransitionConflict

# Per noun, so that each language can say it in its own grammar: (wrong state, wrong role,
# unmet condition).
MESSAGES = {
    "claim": (_("'%(action)s' is not possible: the claim is %(state)s."),
              _("You are not allowed to '%(action)s' this claim."),
              _("'%(action)s' is not possible for this claim.")),
    "job": (_("'%(action)s' is not possible: the job is %(state)s."),
            _("You are not allowed to '%(action)s' this job."),
            _("'%(action)s' is not possible for this job.")),
}


def transition_label(model, name: str) -> str:
    """The label a transition method of ``model`` shows its users."""
    first = next(iter(getattr(model, name)._django_fsm.transitions.values()))
    return str(first.custom.get("label", name))


def transition_check(obj, transition: str, by, *, noun: str,
                     condition_messages: dict[str, str], system: bool = False) -> None:
    """Raise if ``by`` may not apply ``transition`` to ``obj`` (a "claim", a "job") now;
    ``system=True``: the system acts, no role to check."""
    method = getattr(obj, transition)
    label = transition_label(type(obj), transition)
    wrong_state, wrong_role, unmet = MESSAGES[noun]
    if not can_proceed(method, check_conditions=False):
        state = str(obj.get_state_display()).lower()
        raise TransitionConflict(wrong_state % {"action": label, "state": state})
    if not system and not method._django_fsm.has_transition_perm(obj, obj.state, by):
        raise PermissionDeniedError(wrong_role % {"action": label})
    if not can_proceed(method):
        raise TransitionConflict(
            str(condition_messages.get(transition) or unmet % {"action": label})
        )
