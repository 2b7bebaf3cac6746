"""Cancel a pending payment or void a paid one (bank return, wrong payee), with a reason.

Either it is **re-issued** to the right payee (a new pending payment of the same amount replaces
it: the commitment stays, the claim stays settled, or goes back from paid to settled, with the
open amount due), or its commitment is **released** (``commitment_released``: the amount goes
back to the annual aggregate, the deductible it advanced is no longer owed and the claim goes back
to settlement, where the adjuster settles that part again). A paid payment voided also gets a
``payment_voided`` entry (paid goes down) and its reserve run-off is put back.

Above the user's approval limit (the authority levels) only a higher authority voids.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import Claim, ClaimState
from claims.money.financials import reserve_follow_payment
from claims.money.ledger import ledger_post
from claims.money.models import (
    ADVANCE_KINDS,
    LedgerEntry,
    PayeeKind,
    Payment,
    Settlement,
    SettlementState,
)
from claims.money.payees import receivable_open
from claims.money.services.claim_state import claim_follow_money
from claims.money.services.common import (
    level_needed,
    lock_accounts,
    may_approve,
    require_adjuster,
)
from claims.services.tx import business_action
from config.audit import audit_record
from config.outbox import enqueue
from coverage.money import ZERO


def payment_void(
    *,
    payment: Payment,
    reason: str,
    by,
    reissue_to: str = "",
    reissue_payee_kind: str = "",
    reissue_vendor=None,
) -> Payment:
    """Cancel (pending) or void (paid) ``payment``; returns the re-issued payment, or the
    cancelled/voided one when nothing is re-issued."""
    require_adjuster(by, _("cancel or void payments"))
    reason = (reason or "").strip()
    if not reason:
        raise ClaimValidationError({"reason": _("Say why the payment is cancelled or voided.")})
    reissue_to = (reissue_to or "").strip()
    if reissue_payee_kind and reissue_payee_kind not in PayeeKind.values:
        raise ClaimValidationError({"reissue_payee_kind": _("Choose claimant, policyholder or "
                                                            "vendor.")})
    if not may_approve(by, payment.amount):
        level = level_needed(payment.amount)
        raise PermissionDeniedError(
            _("%(amount)s is above your approval limit: %(value)s cancels or voids it.") % {
                "amount": format(payment.amount, ',.2f'),
                "value": level.name if level else _("a higher authority")}
        )
    now = timezone.now()
    with business_action():
        account = lock_accounts([payment.account_id])[payment.account_id]
        claim = Claim.objects.select_for_update().get(pk=payment.claim_id)
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        settlement = Settlement.objects.select_for_update().get(pk=payment.settlement_id)
        if payment.status not in (Payment.Status.PENDING, Payment.Status.PAID):
            raise TransitionConflict(f"Payment {payment.pk} is {payment.status} already.")
        if claim.state in (ClaimState.CLOSED, ClaimState.WITHDRAWN):
            raise TransitionConflict(
                _("Claim %(claim)s is %(state)s: reopen it first.") % {
                    "claim": claim.number, "state": claim.get_state_display().lower()}
            )
        was_paid = payment.status == Payment.Status.PAID
        from_status = payment.status
        payment.status = Payment.Status.VOIDED if was_paid else Payment.Status.CANCELLED
        payment.void_reason = reason
        payment.voided_at = now
        payment.voided_by = by
        payment.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
        key = payment.idempotency_key
        if was_paid:
            ledger_post(
                account=account, claim_id=claim.pk, settlement_id=settlement.pk,
                payment=payment, kind=LedgerEntry.Kind.PAYMENT_VOIDED, amount=-payment.amount,
                idempotency_key=f"voided:{key}", reason=reason, by=by,
            )
            reserve_follow_payment(claim=claim, section_id=settlement.section_id,
                                   payment=payment, sign=-1)
        new = None
        if reissue_to:
            new = Payment.objects.create(
                settlement=settlement, claim=claim, account=account,
                payee_kind=reissue_payee_kind or payment.payee_kind, payee_name=reissue_to,
                vendor=reissue_vendor if reissue_vendor is not None else (
                    payment.vendor if not reissue_payee_kind else None),
                amount=payment.amount, idempotency_key=f"reissue:{uuid.uuid4()}",
                replaces=payment, last_enqueued_at=now, attempts=1,
            )
            enqueue("money.payment_execute", payment_id=new.pk)
            if settlement.state == SettlementState.PAID:
                settlement.payment_reissued()
                settlement.save(update_fields=["state"])
            if claim.state == ClaimState.PAID:
                claim_follow_money(claim=claim, transition="payment_reissued", by=by, now=now,
                                   reason=reason, cause=payment)
        else:
            _release(account=account, claim=claim, settlement=settlement, payment=payment,
                     reason=reason, by=by)
            if claim.state in (ClaimState.SETTLED, ClaimState.PAID):
                claim_follow_money(claim=claim, transition="payment_reversed", by=by, now=now,
                                   reason=reason, cause=payment)
        audit_record(
            actor=by, action="money.payment_voided" if was_paid else "money.payment_cancelled",
            obj=payment, from_value=from_status, to_value=payment.status, reason=reason,
            payload={"amount": payment.amount, "reissued_as": new.pk if new else None,
                     "reissued_to": reissue_to},
            claim_id=claim.pk,
        )
    return new or payment


def _release(*, account, claim, settlement, payment, reason, by) -> None:
    """Give the payment's commitment back (less the deductible it advanced for the insured,
    which is no longer owed) and settle the settlement's state."""
    advanced = LedgerEntry.objects.filter(
        settlement=settlement, kind__in=ADVANCE_KINDS
    ).aggregate(total=Sum("amount"))["total"] or ZERO
    owed_back = min(payment.amount, max(advanced, ZERO),
                    receivable_open(claims=[claim]).get(claim.pk, ZERO))
    key = payment.idempotency_key
    if owed_back > 0:
        ledger_post(
            account=account, claim_id=claim.pk, settlement_id=settlement.pk,
            kind=LedgerEntry.Kind.DEDUCTIBLE_REVERSED, amount=-owed_back,
            idempotency_key=f"deductible-reversed:{key}", reason=reason, by=by,
        )
    release: Decimal = payment.amount - owed_back
    if release > 0:
        ledger_post(
            account=account, claim_id=claim.pk, settlement_id=settlement.pk, payment=payment,
            kind=LedgerEntry.Kind.COMMITMENT_RELEASED, amount=-release,
            idempotency_key=f"released:{key}", reason=reason, by=by,
        )
    left = Payment.objects.filter(settlement=settlement)
    if not left.filter(status__in=[Payment.Status.PENDING, Payment.Status.PAID]).exists():
        settlement.void()
        settlement.save(update_fields=["state"])
    elif (settlement.state == SettlementState.APPROVED
          and not left.filter(status=Payment.Status.PENDING).exists()):
        settlement.mark_paid()
        settlement.save(update_fields=["state"])
