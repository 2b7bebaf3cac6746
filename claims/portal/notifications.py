"""The portal's emails, called explicitly by the portal services: a message from the policyholder
goes to the claim's adjuster, in the adjuster's language. (State-change emails are the claims
app's, sent by ``claim_transition`` through ``claims.notifications``.)"""

from __future__ import annotations

from claims import notifications as claims_notifications
from claims.models import Claim, ClaimNote
from claims.selectors import adjusters


def policyholder_wrote(*, claim: Claim, note: ClaimNote) -> None:
    """To the assigned adjuster, or every adjuster while the claim has none."""
    emails = [] if claim.assigned_adjuster_id else [
        user.email for user in adjusters() if user.email]
    claims_notifications.policyholder_message(claim=claim, text=note.text, adjuster_emails=emails)
