"""The money app's emails, called explicitly by its services; each is a task through the outbox
(see ``claims.notifications``). The "paid" email is written here and nowhere else, in the
policyholder's language."""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _

from claims.models import Claim
from claims.notifications import email_after_commit
from config.rows import RowBatch
from language.services import in_language_of


def claim_paid(*, claim: Claim, rows: RowBatch | None = None,
               language: str | None = None) -> None:
    """To the policyholder: the last payment of the claim was made (``language``: theirs, read
    by the caller already)."""
    holder = claim.policy.policyholder
    with (translation.override(language) if language is not None
          else in_language_of(user_id=holder.user_id, email=holder.email)):
        email_after_commit(
            rows=rows,
            subject=_("Your claim %(number)s has been paid") % {"number": claim.number},
            body=_("The settlement of claim %(number)s has been paid.\n") % {
                "number": claim.number},
            recipients=[holder.email],
        )
