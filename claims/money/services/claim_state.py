"""The claim states that follow the money (settled, paid): the money services move the claim
inside their own transaction through ``claim_transition`` (``money=True``), the one entry point
that changes a claim's state and writes its audit row; the payment is the news for "paid"."""

from __future__ import annotations

from claims.models import Claim
from claims.money.notifications import claim_paid
from claims.services.transitions import ReadAhead, claim_transition
from config.rows import RowBatch


def claim_follow_money(*, claim: Claim, transition: str, by, now, reason: str,
                       cause=None, rows: RowBatch | None = None,
                       read_ahead: ReadAhead | None = None) -> Claim:
    """Apply ``approve_settlement`` or ``mark_paid`` to the locked ``claim`` (``by`` None: the
    system, e.g. the last payment); ``read_ahead``: what the move reads, read by the caller."""
    payload = {}
    if cause is not None:
        payload = {"cause": cause._meta.label_lower, "id": cause.pk}
    claim_transition(claim=claim, transition=transition, by=by, reason=reason, payload=payload,
                     money=True, composed=True, now=now, rows=rows, read_ahead=read_ahead)
    if transition == "mark_paid":
        claim_paid(claim=claim, rows=rows, language=getattr(read_ahead, "holder_language", None))
    return claim
