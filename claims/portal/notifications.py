"""Emails to the policyholder about state changes the claims services do not announce themselves.

``claims.services.transitions`` already writes to the policyholder on a denial, a withdrawal and a
payment, ``claims.services.report`` confirms a report and ``claims.services.information`` sends the
adjuster's questions. Every other state change is announced here, from django-fsm's
``post_transition`` signal: the email is queued with ``email_after_commit``, so a transition whose
transaction rolls back sends nothing.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_fsm.signals import post_transition

from claims.models import Claim, ClaimState
from claims.notifications import email_after_commit
from claims.portal.next_steps import next_step_text
from language.services import in_language_of

S = ClaimState
# The states the claims services announce themselves (deny, withdraw, mark_paid).
ANNOUNCED_BY_SERVICES = {S.DENIED, S.WITHDRAWN, S.PAID}
SUBJECTS = {
    S.LIABILITY_CHECK: gettext_lazy("we are checking cover and liability"),
    S.MITIGATION: gettext_lazy("specialists are at work"),
    S.DEFENDING: gettext_lazy("we defend you against the claim"),
    S.SETTLEMENT: gettext_lazy("we are preparing the settlement"),
    S.SETTLED: gettext_lazy("the settlement is approved"),
    S.CLOSED: gettext_lazy("the claim is closed"),
    S.REOPENED: gettext_lazy("the claim has been reopened"),
}


def state_change_email(*, claim: Claim, source: str, target: str) -> None:
    """Queue the policyholder's email about ``claim`` moving from ``source`` to ``target``."""
    if target in ANNOUNCED_BY_SERVICES or target not in SUBJECTS or source == target:
        return
    holder = claim.policy.policyholder
    with in_language_of(holder.user, email=holder.email):
        email_after_commit(
            subject=_("Your claim %(number)s: %(subject)s") % {
                "number": claim.number, "subject": SUBJECTS[target]},
            body=_("Dear %(name)s,\n\nyour claim %(number)s is now: %(state)s.\n"
                   "What happens next: %(next)s\n\nYou can follow the claim in the portal.\n") % {
                "name": holder.contact_name or holder.company_name, "number": claim.number,
                "state": S(target).label, "next": next_step_text(claim=claim, state=target)},
            recipients=[holder.email],
        )


def _on_transition(sender, instance, name, source, target, **kwargs) -> None:
    if kwargs.get("exception") is not None:
        return
    state_change_email(claim=instance, source=source, target=target)


def connect() -> None:
    post_transition.connect(
        _on_transition, sender=Claim, dispatch_uid="claims.portal.state_change_email"
    )
