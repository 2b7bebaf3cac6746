"""A claim's money as its decisions read it, in four queries: the ``MoneyBook``.

The settlement preview, the split between payees and the approval all need the same figures: the
claim's cost lines (with their category and the section's sublimit for it), the settlements and
the ledger of its loss event (the claim, or its series) and the claim's payments. ``MoneyBook.load``
reads them once; the figures are then sums over those rows, in Python, so one approval reads each
table once however many figures it needs (issue 17). The approval loads the book under its locks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import OuterRef, Q, Subquery, Sum

from claims.models import Claim
from claims.money.models import (
    OPEN_SETTLEMENT_STATES,
    CostLine,
    LedgerEntry,
    Payment,
    Settlement,
    SettlementState,
)
from config.statements import Prepared, in_subquery
from coverage import settlement as calc
from coverage.models import ModuleCostCategory
from coverage.money import ZERO, money

# What a claim has committed (a reinstatement of the aggregate by a recovery is not taken off:
# the claim's costs stay settled).
COMMITTING = [LedgerEntry.Kind.COMMITMENT, LedgerEntry.Kind.REVERSAL,
              LedgerEntry.Kind.COMMITMENT_RELEASED]
RECEIVABLE_KINDS = [
    LedgerEntry.Kind.DEDUCTIBLE_OWED, LedgerEntry.Kind.DEDUCTIBLE_OFFSET,
    LedgerEntry.Kind.DEDUCTIBLE_RECEIVED, LedgerEntry.Kind.DEDUCTIBLE_WRITTEN_OFF,
    LedgerEntry.Kind.DEDUCTIBLE_REVERSED,
]
DECIDED_STATES = [SettlementState.APPROVED, SettlementState.PAID]
# What the book reads of a settlement.
SETTLEMENT_COLUMNS = ("id", "claim_id", "section_id", "state", "deductible_taken", "decided_at")


# The book's reads, compiled once (``config.statements``).
_SERIES_CLAIMS = Prepared(lambda p: Claim.objects.filter(series_id=p.int("series_id"))
                          .values_list("pk", flat=True))
_LINES = Prepared(lambda p: (
    CostLine.objects.filter(claim_id=p.int("claim_id")).select_related("category")
    .annotate(sublimit=Subquery(ModuleCostCategory.objects.filter(
        module_id=OuterRef("section__module_id"), category_id=OuterRef("category_id")
    ).values("sublimit")[:1])).order_by("created_at", "id")
))
_SETTLEMENTS = Prepared(lambda p: Settlement.objects.filter(claim_id__in=p.ints("claim_ids"))
                        .values(*SETTLEMENT_COLUMNS))
LEDGER_COLUMNS = ("claim_id", "account__section_id", "settlement_id", "settlement__section_id",
                  "settlement__claim_id", "kind", "category_id", "category__code")


def _ledger_sums(where: Q):
    return (LedgerEntry.objects.filter(where)  # both sides served by an index
            .values(*LEDGER_COLUMNS).annotate(total=Sum("amount")).order_by())


def _event_claims(claim_id):
    """The claims of ``claim_id``'s loss event (the claim, or its series), as a subquery."""
    series = Claim.objects.filter(pk=claim_id).values("series_id")[:1]
    return Claim.objects.filter(Q(pk=claim_id) | Q(series_id=Subquery(series))).values("pk")


# The same reads named by the claim alone, so that they go out together (``MoneyBook.send``).
_EVENT_SETTLEMENTS = Prepared(lambda p: Settlement.objects.filter(
    claim_id__in=_event_claims(p.int("claim_id"))).values(*SETTLEMENT_COLUMNS))


def event_ledger(claim_id):
    """The ledger sums of ``claim_id``'s loss event: its claims' entries and their settlements'.
    Each side is looked up in its index (``in_subquery``), whatever the size of the ledger."""
    return _ledger_sums(
        Q(in_subquery("claim_id", _event_claims(claim_id)))
        | Q(in_subquery("settlement_id", Settlement.objects.filter(
            claim_id__in=_event_claims(claim_id)).values("pk"))))


_EVENT_LEDGER = Prepared(lambda p: event_ledger(p.int("claim_id")))
_LEDGER = Prepared(lambda p: _ledger_sums(
    Q(claim_id__in=p.ints("claim_ids")) | Q(settlement_id__in=p.ints("settlement_ids"))))
_LEDGER_OF_CLAIMS = Prepared(lambda p: _ledger_sums(Q(claim_id__in=p.ints("claim_ids"))))
_PAYMENTS = Prepared(lambda p: (
    Payment.objects.filter(claim_id=p.int("claim_id"))
    .values("settlement__section_id", "payee_kind", "payee_name", "status")
    .annotate(total=Sum("amount")).order_by()
))


@dataclass(frozen=True)
class LedgerSum:
    """The sum of the ledger entries that share these columns."""

    claim_id: int
    account_section_id: int
    settlement_id: int | None
    settlement_section_id: int | None
    settlement_claim_id: int | None
    kind: str
    category_id: int | None
    category_code: str | None
    total: Decimal


@dataclass
class MoneyBook:
    claim: Claim
    event_ids: frozenset[int]  # the claims of the loss event, this one included
    lines: list[CostLine]  # the claim's cost lines (every section), oldest first
    settlements: list[dict]  # the loss event's settlements (a few columns each)
    ledger: list[LedgerSum]
    payments: list[dict]  # the claim's payments, summed per section, payee and status

    @classmethod
    def load(cls, claim: Claim, *, lines: list[CostLine] | None = None,
             settlements: list[dict] | None = None,
             payments: list[dict] | None = None) -> MoneyBook:
        """``lines``, ``settlements`` and ``payments``: rows as read here (the lines with their
        category and ``sublimit``, the loss event's settlements and the claim's payments as
        ``values()`` dicts) when the caller read them already."""
        if claim.series_id is None:
            event_ids = frozenset([claim.pk])
        else:
            event_ids = frozenset(_SERIES_CLAIMS.all(series_id=claim.series_id)) | {claim.pk}
        if lines is None:
            lines = _LINES.all(claim_id=claim.pk)
        if settlements is None:
            settlements = _SETTLEMENTS.all(claim_ids=sorted(event_ids))
        settlement_ids = [row["id"] for row in settlements]
        ledger_rows = (_LEDGER.all(claim_ids=sorted(event_ids), settlement_ids=settlement_ids)
                       if settlement_ids else _LEDGER_OF_CLAIMS.all(claim_ids=sorted(event_ids)))
        if payments is None:
            payments = _PAYMENTS.all(claim_id=claim.pk)
        return cls._of_rows(claim, event_ids, lines, settlements, ledger_rows, payments)

    @classmethod
    def send(cls, *, claim_id: int) -> Callable[[Claim], MoneyBook]:
        """``load`` in two steps, for a caller that reads more in the same round trip
        (``config.statements.pipeline``): the reads of claim ``claim_id``'s book are sent now; the
        function returned takes the claim (read meanwhile, e.g. under its lock) and gives the
        book. Only a claim in a series costs one read more then (its claims)."""
        lines = _LINES.send(claim_id=claim_id)
        settlements = _EVENT_SETTLEMENTS.send(claim_id=claim_id)
        ledger = _EVENT_LEDGER.send(claim_id=claim_id)
        payments = _PAYMENTS.send(claim_id=claim_id)

        def book(claim: Claim) -> MoneyBook:
            if claim.pk != claim_id:
                raise ValueError(f"the book was read for claim {claim_id}, not {claim.pk}")
            rows = (lines(), settlements(), ledger(), payments())
            if claim.series_id is None:
                event_ids = frozenset([claim.pk])
            else:
                event_ids = frozenset(_SERIES_CLAIMS.all(series_id=claim.series_id)) | {claim.pk}
            return cls._of_rows(claim, event_ids, *rows)

        return book

    @classmethod
    def _of_rows(cls, claim: Claim, event_ids: frozenset[int], lines: list[CostLine],
                 settlements: list[dict], ledger_rows: list[dict],
                 payments: list[dict]) -> MoneyBook:
        ledger = [
            LedgerSum(
                claim_id=row["claim_id"], account_section_id=row["account__section_id"],
                settlement_id=row["settlement_id"],
                settlement_section_id=row["settlement__section_id"],
                settlement_claim_id=row["settlement__claim_id"], kind=row["kind"],
                category_id=row["category_id"], category_code=row["category__code"],
                total=row["total"],
            )
            for row in ledger_rows
        ]
        return cls(claim=claim, event_ids=event_ids, lines=lines, settlements=settlements,
                   ledger=ledger, payments=payments)

    # --- cost lines ------------------------------------------------------------------------

    def section_lines(self, section_id: int) -> list[CostLine]:
        return [line for line in self.lines if line.section_id == section_id]

    def net_lines(self, section_id: int) -> list[calc.CostLine]:
        """One line per category with the net amount (corrections are negative lines)."""
        net: dict[str, Decimal] = {}
        for line in self.section_lines(section_id):
            net[line.category.code] = net.get(line.category.code, ZERO) + line.amount
        return [calc.CostLine(code, money(amount)) for code, amount in net.items() if amount > 0]

    def categories(self) -> dict[str, object]:
        """The cost categories of the claim's lines, by code."""
        return {line.category.code: line.category for line in self.lines}

    def sublimits(self, section_id: int) -> dict[str, Decimal]:
        """The section's sublimits of the categories of its lines."""
        return {line.category.code: line.sublimit for line in self.section_lines(section_id)
                if line.sublimit is not None}

    # --- ledger ----------------------------------------------------------------------------

    def ledger_total(self, where: Callable[[LedgerSum], bool]) -> Decimal:
        return money(sum((row.total for row in self.ledger if where(row)), ZERO))

    def committed_on_claim(self, section_id: int) -> Decimal:
        return self.ledger_total(lambda row: row.claim_id == self.claim.pk
                                 and row.account_section_id == section_id
                                 and row.kind in COMMITTING)

    def outside_paid_before(self, section_id: int) -> Decimal:
        return self.ledger_total(lambda row: row.claim_id == self.claim.pk
                                 and row.settlement_section_id == section_id
                                 and row.kind == LedgerEntry.Kind.OUTSIDE_LIMITS)

    def sublimit_used(self, section_id: int, *, claim_ids) -> dict:
        """Per category (code, pk): what ``claim_ids`` used of its sublimit on the section."""
        used: dict[tuple[str, int], Decimal] = {}
        for row in self.ledger:
            if (row.claim_id in claim_ids and row.settlement_section_id == section_id
                    and row.kind == LedgerEntry.Kind.SUBLIMIT_USE):
                key = (row.category_code, row.category_id)
                used[key] = used.get(key, ZERO) + row.total
        return used

    def receivable_open(self) -> dict[int, Decimal]:
        """Per claim of the loss event: the deductible still owed by the insured."""
        totals: dict[int, Decimal] = {}
        for row in self.ledger:
            if row.claim_id in self.event_ids and row.kind in RECEIVABLE_KINDS:
                totals[row.claim_id] = totals.get(row.claim_id, ZERO) + row.total
        return {claim_id: money(total) for claim_id, total in totals.items() if total}

    # --- settlements -----------------------------------------------------------------------

    def deductible_borne(self, section_id: int, *, others_only: bool) -> Decimal:
        """The deductible already borne on the loss event: by the other claims and sections
        (``others_only``), or by this claim's section alone. Per claim and section the latest
        decided settlement counts (its ``deductible_taken`` is the section's whole deductible);
        refused as nothing was due, its costs still bore the deductible."""
        def this(row) -> bool:
            return row["claim_id"] == self.claim.pk and row["section_id"] == section_id

        rows = [
            row for row in self.settlements
            if (row["state"] in DECIDED_STATES or (row["state"] == SettlementState.REFUSED
                                                   and row["deductible_taken"] is not None))
            and (not this(row) if others_only else this(row))
        ]
        # as ORDER BY decided_at, id: undecided last
        rows.sort(key=lambda row: (row["decided_at"] is None, row["decided_at"] or 0, row["id"]))
        latest: dict[tuple[int, int], Decimal] = {}
        for row in rows:
            latest[(row["claim_id"], row["section_id"])] = row["deductible_taken"] or ZERO
        return money(sum(latest.values(), ZERO))

    def claim_settlements(self, section_id: int | None = None) -> list[dict]:
        return [row for row in self.settlements if row["claim_id"] == self.claim.pk
                and (section_id is None or row["section_id"] == section_id)]

    def settlement_changed(self, settlement: Settlement) -> None:
        """Take the decision just made on ``settlement`` into the book."""
        for row in self.settlements:
            if row["id"] == settlement.pk:
                row.update(state=settlement.state, deductible_taken=settlement.deductible_taken,
                           decided_at=settlement.decided_at)

    def sections_to_decide(self) -> list[int]:
        """The sections with cost lines (net of corrections) that have no decision yet."""
        pending = []
        for section_id in sorted({line.section_id for line in self.lines}):
            if not self.net_lines(section_id):
                continue
            states = [(row["state"], row["deductible_taken"])
                      for row in self.claim_settlements(section_id)]
            if any(state in OPEN_SETTLEMENT_STATES for state, _ in states):
                pending.append(section_id)
                continue
            decided = any(state in DECIDED_STATES or (state == SettlementState.REFUSED
                                                       and taken is not None)
                          for state, taken in states)
            if not decided:
                pending.append(section_id)
        return pending

    # --- payments --------------------------------------------------------------------------

    def paid_to_payees(self, section_id: int) -> dict[tuple[str, str], Decimal]:
        """Per payee: what the claim's payments on the section gave it (cancelled ones not)."""
        prior: dict[tuple[str, str], Decimal] = {}
        for row in self.payments:
            if (row["settlement__section_id"] == section_id
                    and row["status"] != Payment.Status.CANCELLED):
                key = (row["payee_kind"], row["payee_name"])
                prior[key] = prior.get(key, ZERO) + row["total"]
        return prior

    def payments_pending(self) -> bool:
        return any(row["status"] == Payment.Status.PENDING for row in self.payments)
