"""The one writer of the money invariant.

``ledger_post`` writes a ledger row and, for a commitment or a reversal, moves the account's
``committed`` by the same amount in the same transaction. The caller holds the account's row lock
(``lock_accounts``, pk order) and runs inside its business transaction; the idempotency key makes a
repeated post an error, never a second movement.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from claims.exceptions import TransitionConflict
from claims.money.models import LedgerEntry
from config.rows import RowBatch
from policies.models import InsuranceYearAccount

COMMITTING = (
    LedgerEntry.Kind.COMMITMENT, LedgerEntry.Kind.REVERSAL,
    LedgerEntry.Kind.COMMITMENT_RELEASED, LedgerEntry.Kind.AGGREGATE_REINSTATED,
)


def ledger_post(
    *,
    account: InsuranceYearAccount,
    claim_id: int,
    settlement_id: int,
    kind: str,
    amount: Decimal,
    idempotency_key: str,
    by=None,
    reason: str = "",
    payment=None,
    reverses: LedgerEntry | None = None,
    category=None,
    recovery=None,
    rows: RowBatch | None = None,
) -> LedgerEntry:
    """Append one entry; a commitment or reversal moves ``account.committed`` with it.
    ``rows``: the caller's batch, written by the caller before commit (``account.committed`` is
    then moved in memory at once and in the database with the batch)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger_post runs inside the caller's business transaction.")
    if kind in COMMITTING and account.committed + amount > account.limit:
        raise TransitionConflict(_("The annual aggregate would be exceeded; nothing was "
                                   "committed."))
    entry = LedgerEntry(
        account=account, claim_id=claim_id, settlement_id=settlement_id, kind=kind,
        amount=amount, idempotency_key=idempotency_key, created_by=by, reason=reason,
        payment=payment, reverses=reverses, category=category, recovery=recovery,
    )
    if rows is not None:
        rows.insert(entry)
        if kind in COMMITTING:  # the caller holds the row lock: memory and row move together
            rows.increment(account, "committed", amount)
            account.committed += amount
        return entry
    entry.save(force_insert=True)
    if kind in COMMITTING:
        InsuranceYearAccount.objects.filter(pk=account.pk).update(
            committed=F("committed") + amount
        )
        account.refresh_from_db(fields=["committed"])
    return entry
