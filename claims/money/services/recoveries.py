"""Recoveries: money expected back on a claim (subrogation, salvage, a ransom recovered by the
police). The expected amount is a recovery reserve on the ledger; received amounts and a write-off
reduce it, each its own ledger kind and idempotency key, all through ``ledger_post``. Where the
module's catalogue data says so (``recoveries_reinstate_aggregate``), a received recovery gives its
amount back to the annual aggregate (``aggregate_reinstated``, up to what the claim committed).
The deductible collected from the insured is money v2's deductible receivable
(``deductible_receivable_settle``), counted as recovered in the financials.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.models import Claim
from claims.money.ledger import ledger_post
from claims.money.models import (
    RECOVERY_KINDS,
    LedgerEntry,
    Recovery,
    Settlement,
    SettlementState,
)
from claims.money.selectors import COMMITTING
from claims.money.services.common import lock_accounts, require_adjuster
from claims.services.tx import business_action
from config.audit import audit_record
from coverage.money import ZERO, money

ACTIONS = {
    "received": LedgerEntry.Kind.RECOVERY_RECEIVED,
    "written_off": LedgerEntry.Kind.RECOVERY_WRITTEN_OFF,
}


def _amount(value, name: str) -> Decimal:
    if value is None or isinstance(value, float):
        raise ClaimValidationError({name: _("Give the amount as a decimal, e.g. 1500.00.")})
    try:
        return money(value)
    except Exception as error:
        raise ClaimValidationError({name: _("Give the amount as a decimal, e.g. 1500.00.")}) \
            from error


def recovery_open(*, recovery: Recovery) -> Decimal:
    """The open recovery reserve: expected less received and written off."""
    return recovery.entries.filter(kind__in=RECOVERY_KINDS).aggregate(
        total=Sum("amount"))["total"] or ZERO


def recovery_create(*, claim: Claim, kind: str, counterparty: str, expected: Decimal, by,
                    description: str = "", section=None) -> Recovery:
    """Open a recovery with its expected amount (the recovery reserve)."""
    require_adjuster(by, _("record recoveries"))
    if kind not in Recovery.Kind.values:
        raise ClaimValidationError({"kind": _("Choose subrogation, salvage or ransom.")})
    if not (counterparty or "").strip():
        raise ClaimValidationError({"counterparty": _("Name who pays it back.")})
    expected = _amount(expected, "expected")
    if expected <= 0:
        raise ClaimValidationError({"expected": _("The expected amount must be more than 0.00.")})
    settlements = Settlement.objects.filter(
        claim=claim, state__in=[SettlementState.APPROVED, SettlementState.PAID]
    )
    if section is not None:
        settlements = settlements.filter(section=section)
    settlement = settlements.order_by("-id").first()
    if settlement is None:
        raise TransitionConflict(
            _("The claim has no approved settlement yet: a recovery brings back money paid.")
        )
    with business_action():
        account = lock_accounts([settlement.account_id])[settlement.account_id]
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        recovery = Recovery.objects.create(
            claim=locked, section_id=settlement.section_id, account=account,
            settlement=settlement, kind=kind, counterparty=counterparty.strip(),
            description=(description or "").strip(), created_by=by,
        )
        ledger_post(
            account=account, claim_id=locked.pk, settlement_id=settlement.pk, recovery=recovery,
            kind=LedgerEntry.Kind.RECOVERY_RESERVE, amount=expected, by=by,
            idempotency_key=f"recovery-reserve:{recovery.pk}:{uuid.uuid4()}",
            reason=f"Expected from {recovery.counterparty}",
        )
        audit_record(actor=by, action="money.recovery_opened", obj=recovery, to_value=expected,
                     reason=recovery.description, payload={"kind": kind}, claim_id=locked.pk)
    return recovery


def recovery_record(*, recovery: Recovery, how: str, amount: Decimal | None = None, by,
                    reason: str = "", expected: Decimal | None = None) -> LedgerEntry:
    """``how``: ``received`` (money came in), ``written_off`` (given up) or ``expected`` (the
    expected amount changes to ``expected``)."""
    require_adjuster(by, _("record recoveries"))
    reason = (reason or "").strip()
    if how not in (*ACTIONS, "expected"):
        raise ClaimValidationError({"how": _("Choose received, written_off or expected.")})
    if how == "expected":
        new = _amount(expected, "expected")
        if new < 0:
            raise ClaimValidationError({"expected": _("Cannot be negative.")})
    elif amount is not None:
        amount = _amount(amount, "amount")
        if amount <= 0:
            raise ClaimValidationError({"amount": _("The amount must be more than 0.00.")})
    if how != "received" and not reason:
        raise ClaimValidationError({"reason": _("Say why.")})
    with business_action():
        account = lock_accounts([recovery.account_id])[recovery.account_id]
        claim = Claim.objects.select_for_update().get(pk=recovery.claim_id)
        open_amount = recovery_open(recovery=recovery)
        common = {"account": account, "claim_id": claim.pk,
                  "settlement_id": recovery.settlement_id, "recovery": recovery, "by": by}
        if how == "expected":
            received = -(recovery.entries.filter(kind__in=list(ACTIONS.values())).aggregate(
                total=Sum("amount"))["total"] or ZERO)
            expected_before = open_amount + received
            if new < received:
                raise ClaimValidationError(
                    {"expected": _("%(received)s was received or written off already.") % {
                                     "received": format(received, ',.2f')}})
            if new == expected_before:
                raise ClaimValidationError({"expected": _("That is the expected amount already.")})
            entry = ledger_post(
                kind=LedgerEntry.Kind.RECOVERY_RESERVE, amount=new - expected_before,
                idempotency_key=f"recovery-reserve:{recovery.pk}:{uuid.uuid4()}",
                reason=reason, **common,
            )
            audit_record(actor=by, action="money.recovery_expected", obj=recovery,
                         from_value=expected_before, to_value=new, reason=reason,
                         claim_id=claim.pk)
            return entry
        amount = open_amount if amount is None else amount
        if open_amount <= 0:
            raise TransitionConflict(_("Nothing is expected on this recovery any more."))
        if amount > open_amount:
            raise ClaimValidationError(
                {"amount": _("%(open_amount)s is expected; %(amount)s is more than that. "
                             "Raise the expected amount first.") % {
                               "open_amount": format(open_amount, ',.2f'),
                               "amount": format(amount, ',.2f')}})
        entry = ledger_post(
            kind=ACTIONS[how], amount=-amount, reason=reason or f"From {recovery.counterparty}",
            idempotency_key=f"recovery-{how}:{recovery.pk}:{uuid.uuid4()}", **common,
        )
        reinstated = ZERO
        module = recovery.section.module
        if how == "received" and module.recoveries_reinstate_aggregate:
            committed = LedgerEntry.objects.filter(
                claim=claim, account=account, kind__in=COMMITTING
            ).aggregate(total=Sum("amount"))["total"] or ZERO
            already = -(LedgerEntry.objects.filter(
                claim=claim, account=account, kind=LedgerEntry.Kind.AGGREGATE_REINSTATED
            ).aggregate(total=Sum("amount"))["total"] or ZERO)
            reinstated = min(amount, max(ZERO, committed - already))
            if reinstated > 0:
                ledger_post(
                    kind=LedgerEntry.Kind.AGGREGATE_REINSTATED, amount=-reinstated,
                    idempotency_key=f"reinstated:{entry.idempotency_key}",
                    reason=f"Recovery {recovery.pk} received: aggregate reinstated", **common,
                )
        audit_record(
            actor=by, action=f"money.recovery_{how}", obj=recovery, from_value=open_amount,
            to_value=open_amount - amount, reason=reason,
            payload={"amount": amount, "reinstated": reinstated,
                     "at": timezone.now().isoformat()},
            claim_id=claim.pk,
        )
    return entry
