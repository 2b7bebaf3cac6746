"""Settlements: proposed from the calculation, approved (committed against the insurance-year
account under its row lock, in one durable transaction), or refused.

Approval re-computes the settlement from the figures read under the lock, so whatever happens in
parallel, ``committed`` never exceeds the limit: the amount is cut to what is left (``aggregate``
in ``limited_by``), or, with nothing left, the settlement is refused with the reason recorded.
Financial authority: above the approver's ``approval_limit`` a proposal waits for a team lead
(``pending_team_lead``); a team lead's own limit applies too.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import Claim, ClaimSection, ClaimState
from claims.money.models import (
    OPEN_SETTLEMENT_STATES,
    LedgerEntry,
    Payment,
    Settlement,
    SettlementState,
)
from claims.money.selectors import (
    claim_section,
    explanation,
    net_lines,
    payee_split,
    settlement_account,
    settlement_preview,
)
from claims.money.services.common import approval_limit, lock_accounts, require_adjuster
from claims.services.transitions import claim_transition, money_driven
from claims.services.tx import batch, business_action
from config.audit import audit_record
from config.outbox import enqueue
from coverage.settlement import AGGREGATE
from policies.models import CoverageSection, InsuranceYearAccount

APPROVABLE_CLAIM_STATES = [ClaimState.SETTLEMENT, ClaimState.SETTLED]


def settlement_propose(
    *, claim: Claim, by, section: CoverageSection | None = None
) -> Settlement:
    """Propose the settlement the calculation gives now (one open proposal per section)."""
    require_adjuster(by, "propose settlements")
    if claim.state != ClaimState.SETTLEMENT:
        state = ClaimState(claim.state).label.lower()
        raise TransitionConflict(f"A settlement is proposed in the settlement state; the claim "
                                 f"is {state}.")
    section = claim_section(claim=claim, section=section)
    account = settlement_account(claim=claim, section=section)
    if not net_lines(claim=claim, section=section):
        raise ClaimValidationError("Add the claim's cost lines first: there is nothing to settle.")
    with business_action():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state != ClaimState.SETTLEMENT:
            raise TransitionConflict("The claim left the settlement state meanwhile.")
        open_one = Settlement.objects.filter(
            claim=locked, section=section, state__in=OPEN_SETTLEMENT_STATES
        ).first()
        if open_one is not None:
            raise TransitionConflict(
                f"Settlement {open_one.pk} of this section is still open: approve or refuse it."
            )
        result = settlement_preview(claim=locked, section=section)
        settlement = Settlement.objects.create(
            claim=locked, section=section, account=account, proposed_payable=result.payable,
            limited_by=list(result.limited_by), explanation=explanation(result), proposed_by=by,
        )
        audit_record(
            actor=by, action="money.settlement_proposed", obj=settlement,
            to_value=result.payable,
            payload={"section": section.module.code, "limited_by": list(result.limited_by)},
            claim_id=locked.pk,
        )
    return settlement


@dataclass(frozen=True)
class _Decision:
    action: str  # "approved", "escalated" or "refused"
    reason: str = ""


def settlement_approve(*, settlement: Settlement, by) -> Settlement:
    """Approve ``settlement`` as ``by``: commit the payable amount re-computed under the account's
    row lock, write the ledger, the payments and the audit, move the claim to settled, enqueue
    the payments (published after commit). Returns the settlement re-read, in its new state:
    approved, pending_team_lead (above ``by``'s approval limit) or refused (nothing left to
    commit, the reason recorded). Raises PermissionDeniedError / TransitionConflict with
    nothing changed."""
    require_adjuster(by, "approve settlements")
    claim = settlement.claim
    series_accounts = (
        ClaimSection.objects.filter(claim__series_id=claim.series_id, section=settlement.section)
        .exclude(account=None)
        .values_list("account_id", flat=True)
        if claim.series_id
        else []
    )
    now = timezone.now()
    with business_action():
        accounts = lock_accounts([settlement.account_id, *series_accounts])
        account = accounts[settlement.account_id]
        claim = Claim.objects.select_for_update().get(pk=settlement.claim_id)
        locked = Settlement.objects.select_for_update().select_related("section__module").get(
            pk=settlement.pk
        )
        _check_open(locked=locked, claim=claim, by=by)
        result = settlement_preview(
            claim=claim, section=locked.section, aggregate_committed=account.committed
        )
        decision = _decide(locked=locked, result=result, by=by)
        from_state = locked.state
        locked.limited_by = list(result.limited_by)
        locked.explanation = explanation(result)
        if decision.action == "escalated":
            locked.escalate()
            locked.escalated_by = by
            locked.save()
            audit_record(
                actor=by, action="money.settlement_escalated", obj=locked,
                from_value=from_state, to_value=locked.state, reason=decision.reason,
                payload={"payable": result.payable}, claim_id=claim.pk,
            )
        elif decision.action == "refused":
            locked.refuse()
            locked.refusal_reason = decision.reason
            locked.deductible_taken = result.deductible  # borne by this claim's costs
            locked.decided_by, locked.decided_at = by, now
            locked.save()
            audit_record(
                actor=by, action="money.settlement_refused", obj=locked, from_value=from_state,
                to_value=locked.state, reason=decision.reason,
                payload={"limited_by": list(result.limited_by)}, claim_id=claim.pk,
            )
        else:
            _commit(locked=locked, claim=claim, account=account, result=result, by=by, now=now)
            audit_record(
                actor=by, action="money.settlement_approved", obj=locked,
                from_value=from_state, to_value=locked.state,
                reason="; ".join(result.steps[-2:]),
                payload={"amount": result.payable, "limited_by": list(result.limited_by),
                         "account": account.pk, "committed_after": account.committed},
                claim_id=claim.pk,
            )
            if claim.state == ClaimState.SETTLEMENT:
                # batch(): joins this transaction, one durable transaction in all
                with batch(), money_driven():
                    claim_transition(claim=claim, transition="approve_settlement", by=by)
    return Settlement.objects.get(pk=settlement.pk)


def _check_open(*, locked: Settlement, claim: Claim, by) -> None:
    if locked.state not in OPEN_SETTLEMENT_STATES:
        raise TransitionConflict(
            f"Settlement {locked.pk} is already {SettlementState(locked.state).label.lower()}."
        )
    if locked.state == SettlementState.PENDING_TEAM_LEAD and not roles.is_team_lead(by):
        raise PermissionDeniedError(
            f"Settlement {locked.pk} is above an adjuster's approval limit: "
            "a team lead approves it."
        )
    if claim.state not in APPROVABLE_CLAIM_STATES:
        state = ClaimState(claim.state).label.lower()
        raise TransitionConflict(f"The claim is {state}: its settlement cannot be approved.")


def _decide(*, locked: Settlement, result, by) -> _Decision:
    if result.payable <= 0:
        if AGGREGATE in result.limited_by:
            return _Decision("refused", (
                f"Nothing left to commit: the annual aggregate of the insurance year is "
                f"exhausted ({result.due:,.2f} due, {result.aggregate_left:,.2f} left)."
            ))
        return _Decision("refused", "Nothing is due: everything payable on this claim is "
                                    "already committed, or the deductible takes it all.")
    limit = approval_limit(by)
    if result.payable <= limit:
        return _Decision("approved")
    if locked.state == SettlementState.PROPOSED:
        return _Decision("escalated", (
            f"{result.payable:,.2f} is above the approval limit of {limit:,.2f} of "
            f"{by.get_username()}: waiting for a team lead's approval."
        ))
    raise PermissionDeniedError(
        f"{result.payable:,.2f} is above your approval limit of {limit:,.2f}: a team lead with a "
        "higher limit approves it."
    )


def _commit(*, locked: Settlement, claim: Claim, account: InsuranceYearAccount, result, by,
            now) -> None:
    """Commit ``result.payable`` on the locked account: ledger, account, payments, outbox."""
    amount = result.payable
    if account.committed + amount > account.limit:  # cannot happen: payable <= aggregate left
        raise TransitionConflict("The annual aggregate would be exceeded; nothing was committed.")
    locked.approve()
    locked.approved_amount = amount
    locked.deductible_taken = result.deductible
    locked.decided_by, locked.decided_at = by, now
    locked.save()
    LedgerEntry.objects.create(
        account=account, claim=claim, settlement=locked, kind=LedgerEntry.Kind.COMMITMENT,
        amount=amount, idempotency_key=f"commitment:{locked.idempotency_key}", created_by=by,
        reason=f"Settlement {locked.pk} approved",
    )
    InsuranceYearAccount.objects.filter(pk=account.pk).update(committed=F("committed") + amount)
    account.refresh_from_db(fields=["committed"])
    for index, share in enumerate(payee_split(claim=claim, section=locked.section,
                                              payable=amount)):
        payment = Payment.objects.create(
            settlement=locked, claim=claim, account=account, payee_kind=share.payee_kind,
            payee_name=share.payee_name, vendor_id=share.vendor_id, amount=share.amount,
            idempotency_key=f"payment:{locked.idempotency_key}:{index}", attempts=1,
            last_enqueued_at=now,
        )
        enqueue("money.payment_execute", payment_id=payment.pk)


def settlement_refuse(*, settlement: Settlement, by, reason: str) -> Settlement:
    """Refuse an open settlement (a team lead declining, or a proposal to redo)."""
    require_adjuster(by, "refuse settlements")
    if not reason.strip():
        raise ClaimValidationError({"reason": "Say why the settlement is refused."})
    with business_action():
        locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if locked.state not in OPEN_SETTLEMENT_STATES:
            raise TransitionConflict(
                f"Settlement {locked.pk} is already {SettlementState(locked.state).label.lower()}."
            )
        from_state = locked.state
        locked.refuse()
        locked.refusal_reason = reason.strip()
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save()
        audit_record(
            actor=by, action="money.settlement_refused", obj=locked, from_value=from_state,
            to_value=locked.state, reason=reason.strip(), claim_id=locked.claim_id,
        )
    return Settlement.objects.get(pk=settlement.pk)
