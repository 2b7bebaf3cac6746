"""The money app's emails, called explicitly by its services; each is a task through the outbox
(see ``claims.notifications``). The "paid" email is written here and nowhere else."""

from __future__ import annotations

from claims.models import Claim
from claims.notifications import email_after_commit
from config.rows import RowBatch


def claim_paid(*, claim: Claim, rows: RowBatch | None = None) -> None:
    """To the policyholder: the last payment of the claim was made."""
    email_after_commit(
        rows=rows,
        subject=f"Your claim {claim.number} has been paid",
        body=f"The settlement of claim {claim.number} has been paid.\n",
        recipients=[claim.policy.policyholder.email],
    )
