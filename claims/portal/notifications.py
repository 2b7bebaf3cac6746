"""Emails to the policyholder about state changes the claims services do not announce themselves.

``claims.services.transitions`` already writes to the policyholder on a denial, a withdrawal and a
payment, ``claims.services.report`` confirms a report and ``claims.services.information`` sends the
adjuster's questions. Every other state change is announced here, from django-fsm's
``post_transition`` signal: the email is queued with ``email_after_commit``, so a transition whose
transaction rolls back sends nothing.
"""

from __future__ import annotations

from django_fsm.signals import post_transition

from claims.models import Claim, ClaimState
from claims.notifications import email_after_commit
from claims.portal.next_steps import next_step_text

S = ClaimState
# The states the claims services announce themselves (deny, withdraw, mark_paid).
ANNOUNCED_BY_SERVICES = {S.DENIED, S.WITHDRAWN, S.PAID}
SUBJECTS = {
    S.LIABILITY_CHECK: "we are checking cover and liability",
    S.MITIGATION: "specialists are at work",
    S.DEFENDING: "we defend you against the claim",
    S.SETTLEMENT: "we are preparing the settlement",
    S.SETTLED: "the settlement is approved",
    S.CLOSED: "the claim is closed",
    S.REOPENED: "the claim has been reopened",
}


def state_change_email(*, claim: Claim, source: str, target: str) -> None:
    """Queue the policyholder's email about ``claim`` moving from ``source`` to ``target``."""
    if target in ANNOUNCED_BY_SERVICES or target not in SUBJECTS or source == target:
        return
    holder = claim.policy.policyholder
    email_after_commit(
        subject=f"Your claim {claim.number}: {SUBJECTS[target]}",
        body=(
            f"Dear {holder.contact_name or holder.company_name},\n\n"
            f"your claim {claim.number} is now: {S(target).label}.\n"
            f"What happens next: {next_step_text(claim=claim, state=target)}\n\n"
            "You can follow the claim in the portal.\n"
        ),
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
