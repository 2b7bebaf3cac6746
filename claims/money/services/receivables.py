"""The deductible owed by the insured: the part of a loss event's deductible the insurer advanced
to a vendor or a claimant and could not take from a payment to the insured. An activity asks the
adjuster to collect it; the adjuster records it as received or writes it off (ledger and audit).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.business_days import business_days_after
from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.models import Activity, Claim
from claims.money.ledger import ledger_post
from claims.money.models import LedgerEntry
from claims.money.payees import receivable_open
from claims.money.services.common import lock_accounts, require_adjuster
from claims.services.tx import business_action
from config.audit import audit_record
from coverage.money import ZERO, money

COLLECT_TITLE = "Collect the deductible owed by the insured"
HOW = {
    "received": LedgerEntry.Kind.DEDUCTIBLE_RECEIVED,
    "written_off": LedgerEntry.Kind.DEDUCTIBLE_WRITTEN_OFF,
}


def deductible_owed(*, claim: Claim) -> Decimal:
    """What the insured still owes on ``claim`` (0.00 if nothing)."""
    return receivable_open(claims=[claim]).get(claim.pk, ZERO)


def receivable_activity_open(*, claim: Claim, now: datetime) -> Activity:
    """Open the collection activity (once while one is open). Inside the caller's transaction."""
    existing = Activity.objects.filter(claim=claim, title=COLLECT_TITLE,
                                       completed_at__isnull=True).first()
    if existing is not None:
        return existing
    holder = claim.policy.policyholder  # the insured pays: their country's and state's holidays
    return Activity.objects.create(claim=claim, title=COLLECT_TITLE,
                                   due_at=business_days_after(now, 10, country=holder.country,
                                                              region=holder.region))


def deductible_receivable_settle(
    *, claim: Claim, how: str, amount: Decimal | None = None, reason: str, by
) -> LedgerEntry:
    """Record that the insured paid (``received``) or that the insurer waives (``written_off``)
    ``amount`` of the deductible owed on ``claim`` (default: all of it)."""
    require_adjuster(by, _("settle what the insured owes"))
    if how not in HOW:
        raise ClaimValidationError({"how": _("Choose received or written_off.")})
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Say how it was received or why it is written "
                                                "off.")})
    if amount is not None:
        if isinstance(amount, float):
            raise ClaimValidationError({"amount": _("Give the amount as a decimal, not a float.")})
        amount = money(amount)
        if amount <= 0:
            raise ClaimValidationError({"amount": _("The amount must be more than 0.00.")})
    owed_entry = LedgerEntry.objects.filter(
        claim=claim, kind=LedgerEntry.Kind.DEDUCTIBLE_OWED
    ).order_by("-id").first()
    if owed_entry is None:
        raise TransitionConflict(_("The insured owes nothing on this claim."))
    now = timezone.now()
    with business_action():
        account = lock_accounts([owed_entry.account_id])[owed_entry.account_id]
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        owed = deductible_owed(claim=locked)
        if owed <= 0:
            raise TransitionConflict(_("The insured owes nothing on this claim."))
        amount = owed if amount is None else amount
        if amount > owed:
            raise ClaimValidationError(
                {"amount": _("The insured owes %(owed)s; %(amount)s is more than that.") % {
                               "owed": format(owed, ',.2f'), "amount": format(amount, ',.2f')}}
            )
        entry = ledger_post(
            account=account, claim_id=locked.pk, settlement_id=owed_entry.settlement_id,
            kind=HOW[how], amount=-amount, by=by, reason=reason.strip(),
            idempotency_key=f"deductible-{how}:{locked.pk}:{uuid.uuid4()}",
        )
        left = money(owed - amount)
        audit_record(
            actor=by, action=f"money.deductible_{how}", obj=entry, from_value=owed,
            to_value=left, reason=reason.strip(), payload={"amount": amount},
            claim_id=locked.pk,
        )
        if left == ZERO:
            Activity.objects.filter(
                claim=locked, title=COLLECT_TITLE, completed_at__isnull=True
            ).update(completed_at=now, completed_by=by,
                     completion_note=f"Deductible {how.replace('_', ' ')}.")
    return entry
