"""The portal's emails, called explicitly by the portal services: a message from the policyholder
goes to the claim's adjuster, in the adjuster's language. (State-change emails are the claims
app's, sent by ``claim_transition`` through ``claims.notifications``.)"""

from __future__ import annotations

from django.utils.translation import gettext as _

from claims.models import Claim, ClaimNote
from claims.notifications import email_after_commit
from language.services import in_language_of


def policyholder_wrote(*, claim: Claim, note: ClaimNote) -> None:
    adjuster = claim.assigned_adjuster
    with in_language_of(adjuster):
        email_after_commit(
            subject=_("Claim %(number)s: a message from the policyholder") % {
                "number": claim.number},
            body=_("%(holder)s wrote:\n\n%(text)s\n") % {
                "holder": claim.policy.policyholder, "text": note.text},
            recipients=[adjuster.email] if adjuster else [],
        )
