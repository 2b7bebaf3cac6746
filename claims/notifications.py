"""The claims app's emails, called explicitly by its services (no signals).

Every email is a task through the outbox (``config.mail.email_enqueue``): stored in the business
transaction, sent by a worker after commit, retried while the mail server fails, never lost and
never blocking a request. A transaction that rolls back sends nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from claims.models import Claim, ClaimState
from config.mail import email_enqueue
from config.rows import RowBatch

_muted: ContextVar[bool] = ContextVar("claims_notifications_muted", default=False)


@contextmanager
def muted() -> Iterator[None]:
    """No emails inside the block (the demo loader: nobody to tell)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def email_after_commit(*, subject: str, body: str, recipients: Iterable[str],
                       rows: RowBatch | None = None) -> None:
    """Queue an email in the current transaction; a worker sends it once it has committed.
    ``rows``: written with the caller's batch of rows."""
    if _muted.get():
        return
    email_enqueue(subject=subject, body=body, recipients=recipients, rows=rows)


def _holder_name(claim: Claim) -> str:
    holder = claim.policy.policyholder
    return holder.contact_name or holder.company_name


def claim_received(*, claim: Claim, rows: RowBatch | None = None) -> None:
    """To the policyholder: the report has arrived."""
    email_after_commit(
        subject=f"Your claim {claim.number} has been received",
        body=(
            f"Dear {_holder_name(claim)},\n\n"
            f"we have received your claim {claim.number} (loss of {claim.loss_date:%d.%m.%Y}, "
            f"{claim.loss_type.name}) and will contact you shortly.\n"
        ),
        recipients=[claim.policy.policyholder.email], rows=rows,
    )


def emergency_reported(*, claim: Claim, adjuster_emails: Iterable[str],
                       rows: RowBatch | None = None) -> None:
    """To every adjuster: an emergency needs first contact within the hour."""
    email_after_commit(
        subject=f"EMERGENCY claim {claim.number}: first contact within the hour",
        body=(
            f"{claim.policy.policyholder.company_name} reported an emergency "
            f"({claim.loss_type.name}) under policy {claim.policy.number}.\n\n{claim.description}\n"
        ),
        recipients=adjuster_emails, rows=rows,
    )


S = ClaimState
# States whose email is written by the money notifications (the payment is the news).
ANNOUNCED_ELSEWHERE = {S.PAID}
STATE_SUBJECTS = {
    S.LIABILITY_CHECK: "we are checking cover and liability",
    S.MITIGATION: "specialists are at work",
    S.DEFENDING: "we defend you against the claim",
    S.SETTLEMENT: "we are preparing the settlement",
    S.SETTLED: "the settlement is approved",
    S.CLOSED: "the claim is closed",
    S.REOPENED: "the claim has been reopened",
}


def claim_state_changed(*, claim: Claim, source: str, target: str,
                        rows: RowBatch | None = None) -> None:
    """To the policyholder, once per state change (called by ``claim_transition``)."""
    if source == target or target in ANNOUNCED_ELSEWHERE:
        return
    holder = claim.policy.policyholder
    if target == S.DENIED:
        subject = f"Your claim {claim.number}: decision"
        body = (
            f"We are sorry: we cannot cover claim {claim.number}.\n"
            f"Reason: {claim.get_denial_reason_display()}.\n\n{claim.denial_text}\n"
        )
    elif target == S.WITHDRAWN:
        subject = f"Your claim {claim.number} has been withdrawn"
        body = f"Claim {claim.number} was withdrawn: {claim.withdrawal_reason}\n"
    elif target in STATE_SUBJECTS:
        from claims.portal.next_steps import next_step_text

        subject = f"Your claim {claim.number}: {STATE_SUBJECTS[target]}"
        body = (
            f"Dear {_holder_name(claim)},\n\n"
            f"your claim {claim.number} is now: {S(target).label}.\n"
            f"What happens next: {next_step_text(claim=claim, state=target)}\n\n"
            "You can follow the claim in the portal.\n"
        )
    else:
        return
    email_after_commit(subject=subject, body=body, recipients=[holder.email], rows=rows)


def policyholder_message(*, claim: Claim, text: str, adjuster_emails: Iterable[str]) -> None:
    """To the claim's adjuster, or to every adjuster while nobody is assigned: the policyholder
    wrote; the message waits in the queue "Messages from policyholders"."""
    adjuster = claim.assigned_adjuster
    email_after_commit(
        subject=f"Claim {claim.number}: a message from the policyholder",
        body=(f"{claim.policy.policyholder} wrote on claim {claim.number}"
              f"{'' if adjuster else ' (no adjuster assigned yet)'}:\n\n{text}\n"),
        recipients=[adjuster.email] if adjuster else adjuster_emails,
    )
