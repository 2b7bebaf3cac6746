"""Who is paid what on a settlement (DOMAIN.md, "Who pays the deductible").

A vendor the insurer commissioned and a third party the insured is liable to receive their covered
amount in full. The deductible is the insured's: the settlement records it as owed by the insured
(``deductible_owed``) and takes what is owed on the loss event from the insured's own payments
(``deductible_offset``); what those cannot absorb stays a receivable.

Per payee: its share of each category's covered amount (in proportion to its net claimed costs in
that category, whole cents, leftover cents to the largest), less what earlier settlements of the
same claim and section already gave it. If the per-loss limit or the aggregate cut the payable,
the cut falls on the insured's own payment first, then on the others in proportion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from django.db.models import Sum

from claims.models import Claim
from claims.money.book import MoneyBook
from claims.money.models import (
    LedgerEntry,
    PayeeKind,
)
from coverage import settlement as calc
from coverage.money import CENT, ZERO, money
from policies.models import CoverageSection


@dataclass(frozen=True)
class PayeeShare:
    payee_kind: str
    payee_name: str
    claimed: Decimal
    covered: Decimal
    amount: Decimal
    vendor_id: int | None = None
    deducted: Decimal = ZERO  # the insured's: deductible taken from this payment


@dataclass(frozen=True)
class PayeeSplit:
    shares: list[PayeeShare]
    deductible_owed: Decimal = ZERO  # newly owed by the insured on this settlement
    offsets: list[tuple[int, Decimal]] = field(default_factory=list)  # earlier debts taken
    deducted_here: Decimal = ZERO  # this settlement's deductible taken from the insured's pay

    @property
    def cash(self) -> Decimal:
        return money(sum((share.amount for share in self.shares), ZERO))

    @property
    def deducted(self) -> Decimal:
        """Taken from the insured's payments: this deductible and earlier debts."""
        return money(self.deducted_here + sum((amount for _, amount in self.offsets), ZERO))

    @property
    def still_owed(self) -> Decimal:
        """What this settlement leaves owed by the insured."""
        return self.deductible_owed


def _share_out(total: Decimal, weights: dict) -> dict:
    """``total`` in proportion to ``weights``, whole cents down, leftover cents to the largest."""
    weight_sum = sum(weights.values(), ZERO)
    if total <= 0 or weight_sum <= 0:
        return dict.fromkeys(weights, ZERO)
    shares = {
        key: (total * weight / weight_sum).quantize(CENT, rounding=ROUND_DOWN)
        for key, weight in weights.items()
    }
    largest = max(weights, key=lambda key: weights[key])
    shares[largest] += total - sum(shares.values(), ZERO)
    return shares


def loss_event_claims(claim: Claim):
    """The claims of one loss event: the series, or the claim alone."""
    if claim.series_id is None:
        return Claim.objects.filter(pk=claim.pk)
    return Claim.objects.filter(series_id=claim.series_id)


def receivable_open(*, claims) -> dict[int, Decimal]:
    """Per claim: the deductible still owed by the insured (owed less offsets and settlements)."""
    rows = (
        LedgerEntry.objects.filter(claim__in=claims, kind__in=[
            LedgerEntry.Kind.DEDUCTIBLE_OWED, LedgerEntry.Kind.DEDUCTIBLE_OFFSET,
            LedgerEntry.Kind.DEDUCTIBLE_RECEIVED, LedgerEntry.Kind.DEDUCTIBLE_WRITTEN_OFF,
            LedgerEntry.Kind.DEDUCTIBLE_REVERSED,
        ]).values("claim_id").annotate(total=Sum("amount"))
    )
    return {row["claim_id"]: money(row["total"]) for row in rows if row["total"]}


def payee_split(
    *, claim: Claim, section: CoverageSection, result: calc.SettlementResult,
    book: MoneyBook | None = None,
) -> PayeeSplit:
    """The payments a settlement with ``result`` makes now, and the insured's deductible."""
    book = book or MoneyBook.load(claim)
    claimed: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(lambda: defaultdict(
        lambda: ZERO))
    vendors: dict[tuple[str, str], int | None] = {}
    for line in book.section_lines(section.pk):
        key = (line.payee_kind, line.payee_name)
        claimed[key][line.category.code] += line.amount
        vendors[key] = vendors.get(key) or line.vendor_id
    covered: dict[tuple[str, str], Decimal] = dict.fromkeys(claimed, ZERO)
    for row in result.categories:
        weights = {key: by_cat[row.category] for key, by_cat in claimed.items()
                   if by_cat.get(row.category, ZERO) > 0}
        for key, amount in _share_out(row.covered, weights).items():
            covered[key] += amount
    insured = [key for key in covered if key[0] == PayeeKind.POLICYHOLDER]

    prior: dict[tuple[str, str], Decimal] = defaultdict(lambda: ZERO)
    prior.update(book.paid_to_payees(section.pk))
    borne_before = book.deductible_borne(section.pk, others_only=False)

    def of_this_section(kind):
        return lambda row: (row.settlement_claim_id == claim.pk
                            and row.settlement_section_id == section.pk and row.kind == kind)

    owed_before = book.ledger_total(of_this_section(LedgerEntry.Kind.DEDUCTIBLE_OWED))
    offset_before = -book.ledger_total(of_this_section(LedgerEntry.Kind.DEDUCTIBLE_OFFSET))
    if insured:  # what was deducted from the insured before counts as given to it
        prior[insured[0]] += max(money(borne_before - owed_before), ZERO) + offset_before

    gross = {key: max(money(covered[key] - prior[key]), ZERO) for key in covered}
    deductible_new = max(money(result.deductible - borne_before), ZERO)
    target = money(result.payable + deductible_new)
    excess = money(sum(gross.values(), ZERO) - target)
    if excess > 0:  # the per-loss limit or the aggregate cut the payable
        for key in insured:
            cut = min(excess, gross[key])
            gross[key] -= cut
            excess -= cut
        if excess > 0:
            others = {key: gross[key] for key in gross if key not in insured and gross[key] > 0}
            for key, cut in _share_out(excess, others).items():
                gross[key] -= cut

    # The new deductible comes off the insured's own payment; the rest is owed by the insured.
    deducted = dict.fromkeys(gross, ZERO)
    left = deductible_new
    for key in insured:
        take = min(left, gross[key])
        deducted[key] += take
        left -= take
    owed = money(left)
    # Earlier debts of the loss event come off what the insured still receives.
    offsets: list[tuple[int, Decimal]] = []
    open_by_claim = book.receivable_open()
    for claim_id in sorted(open_by_claim, key=lambda pk: (pk != claim.pk, pk)):
        for key in insured:
            take = min(open_by_claim[claim_id], gross[key] - deducted[key])
            if take > 0:
                deducted[key] += take
                open_by_claim[claim_id] -= take
                offsets.append((claim_id, money(take)))

    shares = [
        PayeeShare(
            payee_kind=key[0], payee_name=key[1],
            claimed=money(sum(claimed[key].values(), ZERO)), covered=money(covered[key]),
            amount=money(amount - deducted[key]), vendor_id=vendors[key],
            deducted=money(deducted[key]),
        )
        for key, amount in gross.items()
    ]
    return PayeeSplit(shares=shares, deductible_owed=owed, offsets=offsets,
                      deducted_here=money(deductible_new - owed))
