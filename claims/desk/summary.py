"""What the top of the claim page shows in one screen: state, policy and sections, cover left per
insurance year, reserves, paid, incurred, deductible, open activities, the cyber events the claim
is (probably) part of, and flags. A fixed number of queries whatever the number of cost lines,
payments or activities."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.desk.reads import page_reads
from claims.events.claim_events import claim_events
from claims.models import Claim
from claims.money.models import Payment, SettlementState
from coverage.money import ZERO, money


@dataclass(frozen=True)
class DeskSummary:
    claim: Claim
    sections: list
    cover_left: list
    reserve_loss: Decimal
    reserve_expense: Decimal
    paid: Decimal
    approved_unpaid: Decimal
    incurred: Decimal
    deductible: Decimal | None
    activities: list
    flags: list
    pending_settlements: int
    events: list  # claims.events.claim_events.ClaimEvent: linked first, then suggested


def claim_desk_summary(*, claim: Claim) -> DeskSummary:
    """The summary from the page's reads (``claims.desk.reads``): the sections, accounts,
    reserves, payments and settlements the panels below show too are read once."""
    now = timezone.now()
    reads = page_reads(claim)
    sections = reads.sections
    reserves = reads.reserves()
    paid = money(sum((p.amount for p in reads.payments if p.status == Payment.Status.PAID),
                     ZERO))
    unpaid = money(sum((p.amount for p in reads.payments if p.status != Payment.Status.PAID),
                       ZERO))
    reserve_total = reserves["loss"] + reserves["expense"]
    activities = [row for row in reads.activities if row.completed_at is None][:6]
    pending = sum(1 for s in reads.settlements
                  if s.state in (SettlementState.PROPOSED, SettlementState.PENDING_TEAM_LEAD))
    section = next((s for s in sections if s.pk == claim.coverage_section_id), None)
    flags = []
    if claim.emergency:
        flags.append(("emergency", _("Emergency")))
    if any(a.due_at < now for a in activities):
        flags.append(("overdue", _("Overdue activity")))
    if claim.awaiting_information:
        flags.append(("info", _("Awaiting information")))
    if claim.duplicate_flag_open:
        flags.append(("warning", _("Possible duplicate")))
    if claim.series_id:
        flags.append(("series", _("Series")))
    events = claim_events(claim=claim)
    if any(event.linked for event in events):
        flags.append(("event", _("Cyber event")))
    elif events:
        flags.append(("warning", _("Probably part of a cyber event")))
    if pending:
        flags.append(("warning", _("Settlement waiting for a decision")))
    if claim.assigned_adjuster_id is None:
        flags.append(("warning", _("Unassigned")))
    return DeskSummary(
        claim=claim, sections=sections,
        cover_left=reads.accounts_of_loss_year(),
        reserve_loss=money(reserves["loss"]), reserve_expense=money(reserves["expense"]),
        paid=paid, approved_unpaid=unpaid,
        # incurred: what was paid or is committed to be paid, plus what is still reserved
        incurred=money(paid + unpaid + reserve_total),
        deductible=section.deductible if section else None,
        activities=activities, flags=flags, pending_settlements=pending, events=events,
    )
