"""The claim states that follow the money (settled, paid): the money services move the claim
themselves, inside their own transaction, with the same audit row, activities and email as
``claim_transition`` (which refuses these transitions to every other door)."""

from __future__ import annotations

from claims import notifications
from claims.models import Claim
from claims.money.notifications import claim_paid
from claims.services.activities import activities_open_for_state
from config.audit import audit_record


def claim_follow_money(*, claim: Claim, transition: str, by, now, reason: str,
                       cause=None) -> Claim:
    """Apply ``approve_settlement`` or ``mark_paid`` to the locked ``claim`` (``by`` None: the
    system, e.g. the last payment)."""
    from_state = claim.state
    getattr(claim, transition)()
    claim.save(update_fields=["state", "updated_at"])
    payload = {"transition": transition}
    if cause is not None:
        payload |= {"cause": cause._meta.label_lower, "id": cause.pk}
    audit_record(
        actor=by, action="claim.transition", obj=claim, from_value=from_state,
        to_value=claim.state, reason=reason, payload=payload, claim_id=claim.pk,
    )
    activities_open_for_state(claim=claim, now=now)
    if transition == "mark_paid":
        claim_paid(claim=claim)
    else:
        notifications.claim_state_changed(claim=claim, source=from_state, target=claim.state)
    return claim
