"""The claim page's summary (``claims.desk.summary``) with what the signed-in user may do now."""

from __future__ import annotations

from dataclasses import fields

from claims import roles
from claims.desk.reads import page_reads
from claims.desk.summary import claim_desk_summary
from claims.money.models import OPEN_SETTLEMENT_STATES


def desk_context(*, claim, user) -> dict:
    summary = claim_desk_summary(claim=claim)
    return {
        **{f.name: getattr(summary, f.name) for f in fields(summary) if f.name != "claim"},
        "is_adjuster": roles.is_adjuster(user),
        "open_settlements": sorted((s for s in page_reads(claim).settlements
                                    if s.state in OPEN_SETTLEMENT_STATES), key=lambda s: s.pk),
    }
