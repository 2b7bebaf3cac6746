"""The access log: one INSERT per view or download of personal data by staff or a vendor.

Call ``access_record`` from a detail view or a download, never from a list page. A policyholder
looking at their own claim is not logged (it is their own data); anonymous callers never reach
these views.
"""

from __future__ import annotations

from privacy.models import AccessLogEntry


def _is_own(user, claim) -> bool:
    holder = claim.policy.policyholder if claim is not None else None
    return holder is not None and holder.user_id == user.pk


def access_record(*, user, what: str, channel: str, claim=None, document=None,
                  export=None) -> AccessLogEntry | None:
    """Record that ``user`` viewed ``claim`` (or downloaded ``document`` / ``export``) through
    ``channel``. Runs in autocommit (one INSERT); returns None when nothing is to be logged."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if claim is None and document is not None:
        claim = document.claim
    if claim is not None and _is_own(user, claim):
        return None
    policyholder_id = claim.policy.policyholder_id if claim is not None else (
        export.policyholder_id if export is not None else None)
    return AccessLogEntry.objects.create(
        user=user, what=what, channel=channel, claim=claim, document=document, export=export,
        policyholder_id=policyholder_id,
    )
