"""Settlements: proposed from the calculation, approved (committed against the insurance-year
account under its row lock, in one durable transaction), or refused.

Approval re-computes the settlement from the figures read under the lock, so whatever happens in
parallel, ``committed`` never exceeds the limit: the amount is cut to what is left (``aggregate``
in ``limited_by``), or, with nothing left, the settlement is refused with the reason recorded.

A claim's sections are settled one after the other; the claim moves to settled once every section
with cost lines is decided. Checking liability, checking a warning letter and defending (cost
categories at the insurer's cost) are settled from the liability check and the defence too.

Financial authority is data (``AuthorityLevel``): above the approver's limit a proposal waits
(``pending_team_lead``) for the lowest level that may approve it (``required_level``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import Claim, ClaimState
from claims.money.book import MoneyBook
from claims.money.ledger import ledger_post
from claims.money.models import (
    OPEN_SETTLEMENT_STATES,
    CostLine,
    LedgerEntry,
    Payment,
    RansomAgreement,
    Settlement,
    SettlementState,
)
from claims.money.payees import PayeeSplit, payee_split
from claims.money.selectors import (
    claim_section,
    explanation,
    net_lines,
    settlement_account,
    settlement_preview,
)
from claims.money.services.claim_state import claim_follow_money
from claims.money.services.common import (
    authority_send,
    level_needed,
    lock_event_accounts_send,
    require_adjuster,
)
from claims.services.transitions import ReadAhead, read_ahead_send
from claims.services.tx import business_action
from config.audit import audit_record
from config.outbox import enqueue
from config.rows import RowBatch
from config.statements import Prepared, pipeline, send_sql
from coverage.settlement import AGGREGATE
from policies.models import CoverageSection, InsuranceYearAccount

APPROVABLE_CLAIM_STATES = [ClaimState.SETTLEMENT, ClaimState.SETTLED]
# Checks and defence at the insurer's cost are settled here too (DOMAIN.md, "Defence").
INSURER_COST_STATES = [ClaimState.LIABILITY_CHECK, ClaimState.DEFENDING]


def _insurer_cost_only(*, book: MoneyBook, section: CoverageSection) -> bool:
    codes = {line.category for line in book.net_lines(section.pk)}
    insurer = {code for code, category in book.categories().items() if category.insurer_cost}
    return bool(codes) and codes <= insurer


def _check_claim_state(*, claim: Claim, section: CoverageSection, states, doing: str,
                       book: MoneyBook | None = None) -> None:
    if claim.state in states:
        return
    if claim.state in INSURER_COST_STATES and _insurer_cost_only(
        book=book or MoneyBook.load(claim), section=section
    ):
        return
    state = ClaimState(claim.state).label.lower()
    if claim.state in INSURER_COST_STATES:
        raise TransitionConflict(
            _("The claim is %(state)s: only costs at the insurer's cost (checking "
              "liability or a warning letter, defence) are %(doing)s now.") % {
                "state": state, "doing": doing}
        )
    raise TransitionConflict(_("A settlement is %(doing)s in the settlement state; the "
                               "claim is %(state)s.") % {
                                 "doing": doing, "state": state})


def settlement_propose(
    *, claim: Claim, by, section: CoverageSection | None = None
) -> Settlement:
    """Propose the settlement the calculation gives now (one open proposal per section)."""
    require_adjuster(by, _("propose settlements"))
    section = claim_section(claim=claim, section=section)
    _check_claim_state(claim=claim, section=section, states=APPROVABLE_CLAIM_STATES,
                       doing=_("proposed"))
    account = settlement_account(claim=claim, section=section)
    if not net_lines(claim=claim, section=section):
        raise ClaimValidationError(_("Add the claim's cost lines first: there is nothing to "
                                     "settle."))
    with business_action():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.state != claim.state:
            raise TransitionConflict(_("The claim changed its state meanwhile; reload it."))
        open_one = Settlement.objects.filter(
            claim=locked, section=section, state__in=OPEN_SETTLEMENT_STATES
        ).first()
        if open_one is not None:
            raise TransitionConflict(
                _("Settlement %(open_one)s of this section is still open: approve or "
                  "refuse it.") % {
                    "open_one": open_one.pk}
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
    level: object = None


# The settlement with its claim (both locked), the policy, the policyholder and the section.
_SETTLEMENT_LOCKED = Prepared(lambda p: (
    Settlement.objects.select_for_update(of=("claim", "self"))
    .select_related("claim__policy__policyholder", "section__module")
    .filter(pk=p.int("settlement_id"))
))


def settlement_approve(*, settlement: Settlement, by) -> Settlement:
    """Approve ``settlement`` as ``by``: commit the payable amount re-computed under the account's
    row lock, write the ledger (commitment, the deductible owed by the insured and what is taken
    from the insured's payments), the payments and the audit; move the claim to settled once every
    section is decided; enqueue the payments (published after commit). Returns the settlement
    in its new state: approved, pending_team_lead (above ``by``'s authority, waiting for
    the lowest level that may approve it) or refused (nothing to pay, the reason recorded).
    Raises PermissionDeniedError / TransitionConflict with nothing changed.

    Issue 17: the account's lock is held as briefly as possible. Before it, in one round trip:
    the approver's authority, the activity templates of the settled state and the
    policyholder's language. Then one round trip takes the locks and reads, under them, the
    claim's ``MoneyBook`` and keys for the payments (``config.statements.pipeline``: the reads
    run after the locks are granted, without a wait for each answer); every row written then goes
    out in one statement (``RowBatch``: the ledger, the payments, the settlement, the claim's
    state, the activities, the audit and the messages, which name the payments by their keys)."""
    now = timezone.now()
    with pipeline():
        authority_read = authority_send(by)
        read_ahead_read = read_ahead_send(claim_id=settlement.claim_id, state=ClaimState.SETTLED,
                                          now=now)
        authority = authority_read()  # with the names of by's groups
        read_ahead = read_ahead_read()
    require_adjuster(by, _("approve settlements"))
    rows = RowBatch()
    with business_action():
        with pipeline():  # the locks, then what they guard: one round trip
            # The accounts (pk order), then the claim's row and the settlement's (every money
            # service locks in that order).
            accounts_read = lock_event_accounts_send(settlement)
            locked_read = _SETTLEMENT_LOCKED.send(settlement_id=settlement.pk)
            book_read = MoneyBook.send(claim_id=settlement.claim_id)
            payment_keys_read = _payment_keys_send(claim_id=settlement.claim_id,
                                                   section_id=settlement.section_id)
            accounts = accounts_read()
            locked = next(iter(locked_read()), None)
            payment_keys = [key for (key,) in payment_keys_read()]
            if locked is None:
                raise Settlement.DoesNotExist(f"Settlement {settlement.pk} does not exist.")
            book = book_read(locked.claim)
        account = accounts[settlement.account_id]
        claim = locked.claim
        _check_open(locked=locked, claim=claim, by=by, book=book)
        _check_ransom(claim=claim, section=locked.section, book=book)
        result = settlement_preview(
            claim=claim, section=locked.section, aggregate_committed=account.committed, book=book
        )
        split = payee_split(claim=claim, section=locked.section, result=result, book=book)
        decision = _decide(locked=locked, result=result, split=split, by=by,
                           limit=authority.limit)
        from_state = locked.state
        locked.limited_by = list(result.limited_by)
        locked.explanation = {**explanation(result), "payees": _payees_json(split)}
        changed = ["state", "limited_by", "explanation"]
        if decision.action == "escalated":
            locked.escalate()
            locked.escalated_by = by
            locked.required_level = decision.level
            rows.save(locked, [*changed, "escalated_by", "required_level"])
            audit_record(
                actor=by, action="money.settlement_escalated", obj=locked,
                from_value=from_state, to_value=locked.state, reason=decision.reason,
                payload={"payable": result.payable,
                         "required_level": getattr(decision.level, "name", None)},
                claim_id=claim.pk, rows=rows,
            )
        elif decision.action == "refused":
            locked.refuse()
            locked.refusal_reason = decision.reason
            locked.deductible_taken = result.deductible  # a decision: nothing is due
            locked.decided_by, locked.decided_at = by, now
            rows.save(locked, [*changed, "refusal_reason", "deductible_taken", "decided_by",
                               "decided_at"])
            _sublimit_use(locked=locked, claim=claim, account=account, result=result, by=by,
                          book=book, rows=rows)
            audit_record(
                actor=by, action="money.settlement_refused", obj=locked, from_value=from_state,
                to_value=locked.state, reason=decision.reason,
                payload={"limited_by": list(result.limited_by)}, claim_id=claim.pk, rows=rows,
            )
        else:
            _commit(locked=locked, claim=claim, account=account, result=result, split=split,
                    by=by, now=now, book=book, rows=rows, payment_keys=payment_keys)
            rows.save(locked, [*changed, "approved_amount", "deductible_taken", "decided_by",
                               "decided_at"])
            audit_record(
                actor=by, action="money.settlement_approved", obj=locked,
                from_value=from_state, to_value=locked.state,
                reason="; ".join(result.steps[-2:]),
                payload={"amount": result.payable, "limited_by": list(result.limited_by),
                         "account": account.pk, "committed_after": account.committed,
                         "deductible_owed": split.deductible_owed,
                         "deducted": split.deducted, "paid_out": split.cash},
                claim_id=claim.pk, rows=rows,
            )
        book.settlement_changed(locked)
        _claim_after_decision(claim=claim, by=by, now=now, book=book, rows=rows,
                              read_ahead=read_ahead)
        rows.write()
    return locked


def _payment_keys_send(*, claim_id: int, section_id: int):
    """Keys from the payments' sequence, one per payee of the section's cost lines (a
    settlement pays at most those), so that the payments and the messages that name them are
    written in one statement. A key not used is a gap in the sequence, nothing more."""
    table = Payment._meta.db_table
    return send_sql(
        f"SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM (SELECT DISTINCT payee_kind, "
        f"payee_name FROM {CostLine._meta.db_table} WHERE claim_id = %s AND section_id = %s) "
        "AS payees", [table, claim_id, section_id])


def _payees_json(split: PayeeSplit) -> list[dict]:
    return [
        {"payee_kind": share.payee_kind, "payee_name": share.payee_name,
         "covered": f"{share.covered:.2f}", "amount": f"{share.amount:.2f}",
         "deducted": f"{share.deducted:.2f}"}
        for share in split.shares
    ] + ([{"payee_kind": "policyholder", "payee_name": "deductible owed by the insured",
           "owed": f"{split.still_owed:.2f}"}] if split.still_owed else [])


def sections_to_decide(*, claim: Claim) -> list[CoverageSection]:
    """The sections of ``claim`` with cost lines that have no decision yet."""
    pending = MoneyBook.load(claim).sections_to_decide()
    return list(CoverageSection.objects.filter(pk__in=pending).order_by("pk"))


def _claim_after_decision(*, claim: Claim, by, now, book: MoneyBook, rows: RowBatch,
                          read_ahead: ReadAhead | None = None) -> None:
    """The claim is settled once every section with cost lines is decided and something was
    approved; with nothing left to pay it is paid at once."""
    if claim.state != ClaimState.SETTLEMENT or book.sections_to_decide():
        return
    decided = [row["state"] for row in book.claim_settlements()
               if row["state"] in (SettlementState.APPROVED, SettlementState.PAID)]
    if not decided:
        return
    claim_follow_money(claim=claim, transition="approve_settlement", by=by, now=now,
                       reason="Every section of the claim is decided.", rows=rows,
                       read_ahead=read_ahead)
    if not (book.payments_pending() or SettlementState.APPROVED in decided):
        rows.write()  # the next move closes the activities this one opened
        claim_follow_money(claim=claim, transition="mark_paid", by=None, now=now,
                           reason="Nothing is left to pay.", rows=rows, read_ahead=read_ahead)


def _check_open(*, locked: Settlement, claim: Claim, by, book: MoneyBook) -> None:
    if locked.state not in OPEN_SETTLEMENT_STATES:
        raise TransitionConflict(
            _("Settlement %(locked)s is already %(state)s.") % {
                "locked": locked.pk, "state": SettlementState(locked.state).label.lower()}
        )
    _check_claim_state(claim=claim, section=locked.section, states=APPROVABLE_CLAIM_STATES,
                       doing=_("approved"), book=book)


def _check_ransom(*, claim: Claim, section: CoverageSection, book: MoneyBook) -> None:
    """A ransom is approved only after a recorded agreement (who, when, police report)."""
    needs = {code for code, category in book.categories().items()
             if category.requires_agreement}
    lines = {line.category for line in book.net_lines(section.pk)}
    if lines & needs and not RansomAgreement.objects.filter(claim=claim).exists():
        raise TransitionConflict(
            _("A ransom is paid only after agreement: record who at the insurer agreed, when, "
              "and the police report reference first.")
        )


def _decide(*, locked: Settlement, result, split: PayeeSplit, by,
            limit: Decimal | None) -> _Decision:
    nothing = split.cash <= 0 and not split.deductible_owed and not split.offsets
    if result.payable <= 0 and (nothing or AGGREGATE in result.limited_by):
        if AGGREGATE in result.limited_by:
            return _Decision("refused", (
                _("Nothing left to commit: the annual aggregate of the insurance year is "
                  "exhausted (%(due)s due, %(aggregate_left)s left).") % {
                    "due": format(result.due, ',.2f'),
                    "aggregate_left": format(result.aggregate_left, ',.2f')}
            ))
        return _Decision("refused", _("Nothing is due: everything payable on this claim is "
                                      "already committed, or the deductible takes it all."))
    if limit is None or result.payable <= limit:
        return _Decision("approved")
    level = level_needed(result.payable)
    if locked.state == SettlementState.PROPOSED:
        who = (_("a %(level)s") % {"level": level.name.lower()} if level is not None
               else _("a higher authority"))
        return _Decision("escalated", (
            _("%(payable)s is above the approval limit of %(limit)s of %(user)s: waiting "
              "for the approval of %(who)s.") % {
                "payable": format(result.payable, ',.2f'), "limit": format(limit, ',.2f'),
                "user": by.get_username(), "who": who}
        ), level)
    raise PermissionDeniedError(
        _("%(payable)s is above your approval limit of %(limit)s: %(value)s approves it.") % {
            "payable": format(result.payable, ',.2f'), "limit": format(limit, ',.2f'),
            "value": _("a %(level)s") % {"level": level.name.lower()} if level is not None
            else _("a higher authority")}
    )


def _commit(*, locked: Settlement, claim: Claim, account: InsuranceYearAccount, result,
            split: PayeeSplit, by, now, book: MoneyBook, rows: RowBatch,
            payment_keys: list[int] | None = None) -> None:
    """Commit ``result.payable`` on the locked account: ledger, account, payments, outbox, all
    with ``rows``. The payments take their keys from ``payment_keys`` (their messages name
    them); without enough keys they are written at once to get theirs."""
    amount = result.payable
    locked.approve()
    locked.approved_amount = amount
    locked.deductible_taken = result.deductible
    locked.decided_by, locked.decided_at = by, now
    key = locked.idempotency_key
    posting = {"account": account, "settlement_id": locked.pk, "by": by, "rows": rows}
    if result.committing > 0:
        ledger_post(claim_id=claim.pk, kind=LedgerEntry.Kind.COMMITMENT,
                    amount=result.committing, idempotency_key=f"commitment:{key}",
                    reason=f"Settlement {locked.pk} approved", **posting)
    if result.outside_limits > 0:
        ledger_post(claim_id=claim.pk, kind=LedgerEntry.Kind.OUTSIDE_LIMITS,
                    amount=result.outside_limits, idempotency_key=f"outside-limits:{key}",
                    reason=f"Settlement {locked.pk}: paid on top of the sum insured", **posting)
    if split.deductible_owed > 0:
        ledger_post(claim_id=claim.pk, kind=LedgerEntry.Kind.DEDUCTIBLE_OWED,
                    amount=split.deductible_owed, idempotency_key=f"deductible-owed:{key}",
                    reason=f"Deductible of settlement {locked.pk}: the insured's share",
                    **posting)
    for claim_id, taken in split.offsets:
        ledger_post(claim_id=claim_id, kind=LedgerEntry.Kind.DEDUCTIBLE_OFFSET, amount=-taken,
                    idempotency_key=f"deductible-offset:{key}:{claim_id}",
                    reason=f"Deductible taken from the insured's payment of settlement "
                           f"{locked.pk}", **posting)
    _sublimit_use(locked=locked, claim=claim, account=account, result=result, by=by, book=book,
                  rows=rows)
    payments = [
        Payment(
            settlement=locked, claim=claim, account=account, payee_kind=share.payee_kind,
            payee_name=share.payee_name, vendor_id=share.vendor_id, amount=share.amount,
            idempotency_key=f"payment:{key}:{index}", attempts=1, last_enqueued_at=now,
        )
        for index, share in enumerate(split.shares) if share.amount > 0
    ]
    keyed = len(payment_keys or []) >= len(payments)
    for index, payment in enumerate(payments):
        if keyed:
            payment.pk = payment_keys[index]
        rows.insert(payment)
    if payments and not keyed:
        rows.write()  # the payments' keys, for their messages (with the rows so far)
    for payment in payments:
        enqueue("money.payment_execute", payment_id=payment.pk, rows=rows)
    if not payments:  # the deductible took it all: nothing leaves the house
        locked.mark_paid()
    if split.still_owed > 0:
        from claims.money.services.receivables import receivable_activity_open

        receivable_activity_open(claim=claim, now=now)


def _sublimit_use(*, locked: Settlement, claim: Claim, account, result, by, book: MoneyBook,
                  rows: RowBatch) -> None:
    """Record on the ledger what the claim's section now uses of each per-loss sublimit (the
    change since its earlier settlements): a series reads its sublimit use from here."""
    used_before = {
        category_id: total for (_, category_id), total
        in book.sublimit_used(locked.section_id, claim_ids={claim.pk}).items()
    }
    codes = {row.category: row for row in result.categories if row.sublimit is not None}
    categories = [category for code, category in book.categories().items() if code in codes]
    for category in sorted(categories, key=lambda category: category.pk):
        delta = codes[category.code].covered - used_before.get(category.pk, 0)
        if delta:
            ledger_post(account=account, claim_id=claim.pk, settlement_id=locked.pk,
                        kind=LedgerEntry.Kind.SUBLIMIT_USE, amount=delta, category=category,
                        idempotency_key=f"sublimit:{locked.idempotency_key}:{category.code}",
                        by=by, reason=f"Sublimit of {category.name} used", rows=rows)


def settlement_refuse(*, settlement: Settlement, by, reason: str) -> Settlement:
    """Refuse an open settlement (a higher authority declining, or a proposal to redo)."""
    require_adjuster(by, _("refuse settlements"))
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Say why the settlement is refused.")})
    with business_action():
        locked = Settlement.objects.select_for_update().get(pk=settlement.pk)
        if locked.state not in OPEN_SETTLEMENT_STATES:
            raise TransitionConflict(
                _("Settlement %(locked)s is already %(state)s.") % {
                    "locked": locked.pk, "state": SettlementState(locked.state).label.lower()}
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


# Settlements approved by one background task of a bulk approval.
BULK_APPROVAL_CHUNK = 25
# The most settlements one bulk approval takes.
BULK_APPROVAL_MAX = 500


def settlements_approve_in_background(*, settlement_ids, by) -> list[int]:
    """Approve many settlements as ``by`` in the background (the team lead's queue, the admin's
    "approve the selected settlements"): the open ones among ``settlement_ids`` (proposed, or
    waiting for a higher authority) are handed to the workers in tasks of
    ``BULK_APPROVAL_CHUNK``, each approved in its own transaction exactly as one approval
    (``settlement_approve``: authority, ransom agreement, aggregate, the audit), so one that
    cannot be approved leaves the others alone. Returns the ids queued, in order.

    Raises PermissionDeniedError for a non-adjuster and ClaimValidationError when more than
    ``BULK_APPROVAL_MAX`` are asked for or none of them is open; nothing is queued then."""
    require_adjuster(by, _("approve settlements"))
    wanted = {int(pk) for pk in settlement_ids}
    if len(wanted) > BULK_APPROVAL_MAX:
        raise ClaimValidationError(
            _("Approve at most %(max)s settlements at a time (%(count)s were chosen).")
            % {"max": BULK_APPROVAL_MAX, "count": len(wanted)})
    ids = sorted(Settlement.objects.filter(pk__in=wanted, state__in=OPEN_SETTLEMENT_STATES)
                 .values_list("pk", flat=True))
    if not ids:
        raise ClaimValidationError(
            _("None of the chosen settlements is waiting for a decision."))
    with business_action():
        for start in range(0, len(ids), BULK_APPROVAL_CHUNK):
            enqueue("money.settlements_approve",
                    settlement_ids=ids[start:start + BULK_APPROVAL_CHUNK], user_id=by.pk)
    return ids
