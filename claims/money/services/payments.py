"""Payments and reversals.

``payment_execute`` pays one payment exactly once: under the account's row lock and the payment's
row lock it checks that the payment is still ``pending``, records the (simulated) bank transfer
with its external reference, sets ``paid`` and writes the payment ledger entry, all in one
transaction. A duplicated or retried task finds it paid and does nothing; a worker killed in the
middle leaves nothing behind, and the redelivered task pays it.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.models import Claim, ClaimState
from claims.money.financials import reserve_follow_payment
from claims.money.ledger import ledger_post
from claims.money.models import (
    ADVANCE_KINDS,
    OPEN_SETTLEMENT_STATES,
    LedgerEntry,
    Payment,
    Settlement,
    SettlementState,
)
from claims.money.payees import receivable_open
from claims.money.services.claim_state import claim_follow_money
from claims.money.services.common import lock_accounts, require_adjuster
from claims.services.tx import business_action
from config.audit import audit_record
from config.outbox import enqueue
from config.rows import RowBatch
from config.statements import Prepared, pipeline
from coverage.money import ZERO
from policies.models import InsuranceYearAccount

logger = logging.getLogger(__name__)


# payment_execute's reads, compiled once (``config.statements``): every payment runs them.
_PAYMENT_ROW = Prepared(lambda p: Payment.objects.filter(pk=p.int("payment_id"))
                        .values("account_id", "claim_id"))
_ACCOUNT = Prepared(lambda p: InsuranceYearAccount.objects.filter(pk=p.int("account_id")))
_CLAIM_LOCKED = Prepared(lambda p: Claim.objects.select_for_update(of=("self",))
                         .select_related("policy__policyholder").filter(pk=p.int("claim_id")))
_PAYMENT_LOCKED = Prepared(lambda p: Payment.objects.select_for_update()
                           .filter(pk=p.int("payment_id")))
# The payment's settlement, named by the payment (so that its lock goes out with the others).
_PAYMENT_SETTLEMENT_LOCKED = Prepared(lambda p: Settlement.objects.select_for_update().filter(
    pk=Subquery(Payment.objects.filter(pk=p.int("payment_id")).values("settlement_id")[:1])))


def payment_execute(*, payment_id: int) -> Payment | None:
    """Pay payment ``payment_id`` unless it is already paid or cancelled (idempotent).

    Locks the claim, the payment and its settlement (in the money services' order), not the
    insurance-year account: a payment does not move the aggregate (its ledger row is not a
    commitment), and the claim's lock orders it with every other money service on the claim.
    So a payment never waits for an approval on another claim of the same account, nor that
    approval for the payment (issue 17: on a contended account they queued behind each other),
    and its ledger row's reference to the account does not wait either (accounts are locked
    ``FOR NO KEY UPDATE``, ``lock_accounts``)."""
    row = _PAYMENT_ROW.first(payment_id=payment_id)
    if row is None:
        logger.warning("payment %s does not exist", payment_id)
        return None
    now = timezone.now()
    rows = RowBatch()
    with business_action():
        with pipeline():  # the account (not locked), then the three locks, in one round trip
            account_read = _ACCOUNT.send(account_id=row["account_id"])
            claim_read = _CLAIM_LOCKED.send(claim_id=row["claim_id"])
            payment_read = _PAYMENT_LOCKED.send(payment_id=payment_id)
            settlement_read = _PAYMENT_SETTLEMENT_LOCKED.send(payment_id=payment_id)
            [account], [claim], [payment] = account_read(), claim_read(), payment_read()
            settlements = settlement_read()
        if payment.status != Payment.Status.PENDING:
            return payment
        [settlement] = settlements
        payment.external_reference = _bank_transfer(payment)
        payment.status = Payment.Status.PAID
        payment.paid_at = now
        rows.save(payment, ["external_reference", "status", "paid_at"])
        ledger_post(
            account=account, claim_id=claim.pk, settlement_id=settlement.pk,
            payment=payment, kind=LedgerEntry.Kind.PAYMENT, amount=payment.amount,
            idempotency_key=f"paid:{payment.idempotency_key}",
            reason=f"Paid to {payment.payee_name} ({payment.external_reference})", rows=rows,
        )
        reserve_follow_payment(claim=claim, section_id=settlement.section_id, payment=payment,
                               sign=1)
        audit_record(
            actor=None, action="money.payment_paid", obj=payment, from_value="pending",
            to_value="paid", reason=f"{payment.amount:,.2f} to {payment.payee_name}",
            payload={"reference": payment.external_reference, "settlement": settlement.pk},
            claim_id=claim.pk, rows=rows,
        )
        _after_payments(claim=claim, settlement=settlement, now=now, cause=payment, rows=rows)
        rows.write()
    return payment


def _bank_transfer(payment: Payment) -> str:
    """The simulated bank transfer: its reference, derived from the payment's idempotency key
    (a real bank would be given the key and answer with its reference)."""
    return f"SIM-{payment.idempotency_key.split(':', 1)[-1]}"[:80]


# The payments of a claim and of a settlement; the settlements of a claim.
_PAYMENT_STATES = Prepared(lambda p: Payment.objects.filter(
    Q(claim_id=p.int("claim_id")) | Q(settlement_id=p.int("settlement_id"))
).values_list("claim_id", "settlement_id", "status"))
_SETTLEMENT_STATES = Prepared(lambda p: Settlement.objects.filter(claim_id=p.int("claim_id"))
                              .values_list("pk", "state"))


def _after_payments(*, claim: Claim, settlement: Settlement, now, cause,
                    rows: RowBatch | None = None) -> None:
    """A settlement with nothing left to pay is paid; a settled claim whose settlements are all
    paid follows (the system moves it: the last payment was made). ``rows``: the caller's batch
    (the caller holds the claim's row lock), written here first, so that the payments are read
    as they are now; what this adds is the caller's to write."""
    if rows is not None:
        rows.write()
    payments = _PAYMENT_STATES.all(claim_id=claim.pk, settlement_id=settlement.pk)
    of_settlement = {status for _, settlement_id, status in payments
                     if settlement_id == settlement.pk}
    if (settlement.state == SettlementState.APPROVED
            and Payment.Status.PENDING not in of_settlement
            and Payment.Status.PAID in of_settlement):
        settlement.mark_paid()
        if rows is not None:
            rows.save(settlement, ["state"])
        else:
            settlement.save(update_fields=["state"])
    if claim.state != ClaimState.SETTLED:
        return
    of_claim = {status for claim_id, _, status in payments if claim_id == claim.pk}
    if Payment.Status.PENDING in of_claim:
        return
    states = dict(_SETTLEMENT_STATES.all(claim_id=claim.pk))
    if settlement.pk in states:  # as changed just now
        states[settlement.pk] = settlement.state
    if any(state in (*OPEN_SETTLEMENT_STATES, SettlementState.APPROVED)
           for state in states.values()):
        return
    if Payment.Status.PAID not in of_claim:
        return
    claim_follow_money(claim=claim, transition="mark_paid", by=None, now=now,
                       reason="The last payment of the claim was made.", cause=cause, rows=rows)


def payments_sweep(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Enqueue again the task of every payment still pending after ``older_than`` (its task was
    lost, or Redis was down); returns how many were enqueued. Duplicates are harmless."""
    older_than = older_than if older_than is not None else timedelta(
        seconds=settings.PAYMENT_RETRY_AFTER
    )
    now = timezone.now()
    cutoff = now - older_than
    due = Payment.objects.filter(status=Payment.Status.PENDING).filter(
        Q(last_enqueued_at__lte=cutoff) | Q(last_enqueued_at__isnull=True, created_at__lte=cutoff)
    ).order_by("created_at", "id").values_list("pk", flat=True)[:limit]
    enqueued = 0
    for payment_id in list(due):
        with transaction.atomic():
            updated = Payment.objects.filter(
                pk=payment_id, status=Payment.Status.PENDING
            ).update(attempts=F("attempts") + 1, last_enqueued_at=now)
            if updated:
                enqueue("money.payment_execute", payment_id=payment_id)
                enqueued += 1
    return enqueued


def reversal_record(*, entry: LedgerEntry, by, reason: str) -> LedgerEntry:
    """Reverse a commitment: a new negative entry for the part not paid yet, which gives that
    amount back to the annual aggregate; the settlement's pending payments are cancelled. The
    original entry stays as it was."""
    require_adjuster(by, _("reverse commitments"))
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Say why the commitment is reversed.")})
    now = timezone.now()
    with business_action():
        accounts = lock_accounts([entry.account_id])
        account = accounts[entry.account_id]
        claim = Claim.objects.select_for_update().get(pk=entry.claim_id)
        settlement = Settlement.objects.select_for_update().get(pk=entry.settlement_id)
        entry = LedgerEntry.objects.get(pk=entry.pk)
        if entry.kind != LedgerEntry.Kind.COMMITMENT:
            raise ClaimValidationError(_("Only a commitment is reversed."))
        if LedgerEntry.objects.filter(reverses=entry).exists():
            raise TransitionConflict(_("Commitment %(entry)s is already reversed.") % {
                                         "entry": entry.pk})
        payments = Payment.objects.select_for_update().filter(settlement=settlement)
        paid = payments.filter(status=Payment.Status.PAID).aggregate(
            total=Sum("amount"))["total"] or ZERO
        advanced = LedgerEntry.objects.filter(
            settlement=settlement, kind__in=ADVANCE_KINDS
        ).aggregate(total=Sum("amount"))["total"] or ZERO
        unpaid = entry.amount + advanced - paid
        amount = min(entry.amount, unpaid)
        if amount <= 0:
            raise ClaimValidationError(
                _("The commitment is paid in full: money paid out is recovered, not reversed.")
            )
        cancelled = payments.filter(status=Payment.Status.PENDING).update(
            status=Payment.Status.CANCELLED
        )
        reversal = ledger_post(
            account=account, claim_id=claim.pk, settlement_id=settlement.pk, reverses=entry,
            kind=LedgerEntry.Kind.REVERSAL, amount=-amount,
            idempotency_key=f"reversal:{entry.idempotency_key}", reason=reason.strip(), by=by,
        )
        owed_back = min(unpaid - amount, max(advanced, ZERO),
                        receivable_open(claims=[claim]).get(claim.pk, ZERO))
        if owed_back > 0:  # the advanced deductible was not paid out either: nothing is owed
            ledger_post(
                account=account, claim_id=claim.pk, settlement_id=settlement.pk,
                kind=LedgerEntry.Kind.DEDUCTIBLE_REVERSED, amount=-owed_back,
                idempotency_key=f"deductible-reversed:{entry.idempotency_key}",
                reason=reason.strip(), by=by,
            )
        audit_record(
            actor=by, action="money.commitment_reversed", obj=reversal, from_value=entry.amount,
            to_value=paid, reason=reason.strip(),
            payload={"entry": entry.pk, "amount": -amount, "payments_cancelled": cancelled},
            claim_id=claim.pk,
        )
        _after_payments(claim=claim, settlement=settlement, now=now, cause=reversal)
        _after_reversal(claim=claim, settlement=settlement, by=by, now=now, reason=reason,
                        cause=reversal)
    return reversal


def _after_reversal(*, claim: Claim, settlement: Settlement, by, now, reason: str,
                    cause) -> None:
    """Nothing of the settlement is paid or due any more: it is voided, and a settled claim with
    nothing else approved goes back to settlement (never stuck in settled)."""
    settlement = Settlement.objects.get(pk=settlement.pk)
    live = Payment.objects.filter(
        settlement=settlement, status__in=[Payment.Status.PENDING, Payment.Status.PAID])
    if settlement.state == SettlementState.APPROVED and not live.exists():
        settlement.void()
        settlement.save(update_fields=["state"])
    if claim.state != ClaimState.SETTLED:
        return
    if Settlement.objects.filter(
        claim=claim, state__in=[*OPEN_SETTLEMENT_STATES, SettlementState.APPROVED]
    ).exists() or Payment.objects.filter(claim=claim, status=Payment.Status.PAID).exists():
        return
    claim_follow_money(claim=claim, transition="payment_reversed", by=by, now=now,
                       reason=reason.strip(), cause=cause)
