"""The portal's emails, called explicitly by the portal services: a message from the policyholder
goes to the claim's adjuster. (State-change emails are the claims app's, sent by
``claim_transition`` through ``claims.notifications``.)"""

from __future__ import annotations

from claims.models import Claim, ClaimNote
from claims.notifications import email_after_commit


def policyholder_wrote(*, claim: Claim, note: ClaimNote) -> None:
    adjuster = claim.assigned_adjuster
    email_after_commit(
        subject=f"Claim {claim.number}: a message from the policyholder",
        body=f"{claim.policy.policyholder} wrote:\n\n{note.text}\n",
        recipients=[adjuster.email] if adjuster else [],
    )
