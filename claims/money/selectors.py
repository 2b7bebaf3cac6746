"""Reads of a claim's money: the settlement preview from the claim's real cost lines and ledger,
the split between payees, reserves and the aggregate per insurance year.

The arithmetic is ``coverage.settlement.calculate_settlement``; this module only gathers its inputs
from the database (terms of the section, lines, what is committed, what a series already used).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError
from claims.models import Claim, ClaimSection
from claims.money.book import COMMITTING, MoneyBook
from claims.money.ledger import COMMITTING as ACCOUNT_COMMITTING
from claims.money.models import (
    ADVANCE_KINDS,
    PAID_KINDS,
    CostLine,
    InterruptionAssessment,
    LedgerEntry,
    Payment,
    ReserveChange,
    ReserveKind,
    Settlement,
    SettlementState,
)
from coverage import settlement as calc
from coverage.models import DeductibleRule
from coverage.money import ZERO, money
from policies.models import CoverageSection, InsuranceYearAccount, Policy

SETTLED_STATES = [SettlementState.APPROVED, SettlementState.PAID]


def claim_section(*, claim: Claim, section: CoverageSection | None = None) -> CoverageSection:
    """The section money is handled under: the given one, else the coverage check's choice."""
    section = section or claim.coverage_section
    if section is None:
        raise ClaimValidationError(
            {"section": _("The claim has no coverage section yet: run the coverage check first.")}
        )
    if section.policy_id != claim.policy_id:
        raise ClaimValidationError({"section": _("The section is not one of the claim's policy.")})
    return section


def settlement_account(*, claim: Claim, section: CoverageSection) -> InsuranceYearAccount:
    """The insurance-year account of the loss date for ``section``."""
    if section.pk == claim.coverage_section_id and claim.coverage_account_id:
        return claim.coverage_account
    linked = ClaimSection.objects.filter(claim=claim, section=section).select_related("account")
    account = next((row.account for row in linked if row.account_id), None)
    account = account or InsuranceYearAccount.objects.filter(
        section=section, starts_on__lte=claim.loss_date, ends_on__gt=claim.loss_date
    ).first()
    if account is None:
        raise ClaimValidationError(
            {"section": _("No insurance year of this section covers the loss date.")}
        )
    return account


def settlement_terms(
    *, claim: Claim, section: CoverageSection, book: MoneyBook | None = None
) -> calc.SettlementTerms:
    """Sum insured, deductible (and its rule), sublimits and exempt categories of the section,
    for the categories of the claim's cost lines (the only ones the arithmetic looks at)."""
    book = book or MoneyBook.load(claim)
    module = section.module
    first_8_hours_loss = None
    if module.deductible_rule == DeductibleRule.FIRST_8_HOURS:
        first_8_hours_loss = (
            InterruptionAssessment.objects.filter(claim=claim, section=section)
            .order_by("-created_at", "-id")
            .values_list("first_8_hours_loss", flat=True)
            .first()
        ) or ZERO
    categories = book.categories().values()
    return calc.SettlementTerms(
        sum_insured=section.sum_insured,
        deductible=section.deductible,
        aggregate_factor=section.aggregate_factor,
        deductible_rule=module.deductible_rule,
        first_8_hours_loss=first_8_hours_loss,
        deductible_exempt=frozenset(
            c.code for c in categories if c.deductible_exempt or c.insurer_cost
        ),
        outside_limits=frozenset(c.code for c in categories if not c.erodes_sum_insured),
        sublimits=book.sublimits(section.pk),
        category_names={c.code: c.name for c in categories},
    )


def interruption_warning(*, claim: Claim, section: CoverageSection) -> str:
    """A warning when a business-interruption section has no first-8-hours assessment yet (its
    deductible is then only the chosen one)."""
    if section.module.deductible_rule != DeductibleRule.FIRST_8_HOURS:
        return ""
    if InterruptionAssessment.objects.filter(claim=claim, section=section).exists():
        return ""
    return _("No assessment of the first 8 hours' loss for %(module)s yet: the deductible is at "
             "least the loss of the first 8 hours; record it before approving.") % {
        "module": section.module.name}


def cost_lines_for(*, claim: Claim, section: CoverageSection):
    return (
        CostLine.objects.filter(claim=claim, section=section)
        .select_related("category", "created_by")
        .order_by("created_at", "id")
    )


def net_lines(*, claim: Claim, section: CoverageSection) -> list[calc.CostLine]:
    """One line per category with the net amount (corrections are negative lines)."""
    net: dict[str, Decimal] = {}
    for line in cost_lines_for(claim=claim, section=section):
        net[line.category.code] = net.get(line.category.code, ZERO) + line.amount
    return [calc.CostLine(code, money(amount)) for code, amount in net.items() if amount > 0]


def committed_on_claim(*, claim: Claim, section: CoverageSection) -> Decimal:
    return MoneyBook.load(claim).committed_on_claim(section.pk)


@dataclass(frozen=True)
class SeriesFigures:
    """What the other claims of the series (one loss event) already used on the section."""

    deductible_taken: Decimal = ZERO
    paid_before: Decimal = ZERO
    sublimit_used: dict[str, Decimal] = field(default_factory=dict)


def series_figures(*, book: MoneyBook, section: CoverageSection) -> SeriesFigures:
    """What the rest of the loss event used: the deductible borne by the claim's other sections
    and by the other claims of its series (one loss event, one deductible, read from the ledger),
    and, on the same section, the series' per-loss limit and sublimits."""
    deductible = book.deductible_borne(section.pk, others_only=True)
    if book.claim.series_id is None:
        return SeriesFigures(deductible_taken=deductible)
    others = book.event_ids - {book.claim.pk}
    used: dict[str, Decimal] = {}
    for (code, _year), amount in book.sublimit_used(section.pk, claim_ids=others).items():
        used[code] = used.get(code, ZERO) + amount
    paid_before = book.ledger_total(lambda row: row.claim_id in others
                                    and row.account_section_id == section.pk
                                    and row.kind in COMMITTING)
    return SeriesFigures(
        deductible_taken=money(deductible),
        paid_before=money(paid_before),
        sublimit_used={code: money(amount) for code, amount in used.items()},
    )


def settlement_preview(
    *,
    claim: Claim,
    section: CoverageSection | None = None,
    aggregate_committed: Decimal | None = None,
    book: MoneyBook | None = None,
) -> calc.SettlementResult:
    """The settlement of ``claim`` on ``section`` as it would be approved now.

    ``aggregate_committed``: the account's committed figure; the approval passes the one it read
    under the row lock, a preview reads the current one. ``book``: the claim's money, read once
    (``MoneyBook.load``) by a caller that needs more than the preview.
    """
    section = claim_section(claim=claim, section=section)
    if aggregate_committed is None:
        account = settlement_account(claim=claim, section=section)
        aggregate_committed = InsuranceYearAccount.objects.values_list(
            "committed", flat=True
        ).get(pk=account.pk)
    book = book or MoneyBook.load(claim)
    series = series_figures(book=book, section=section)
    return calc.calculate_settlement(
        settlement_terms(claim=claim, section=section, book=book),
        book.net_lines(section.pk),
        aggregate_committed=aggregate_committed,
        claim_committed=book.committed_on_claim(section.pk),
        series_deductible_taken=series.deductible_taken,
        series_paid_before=series.paid_before,
        series_sublimit_used=series.sublimit_used,
        outside_paid_before=book.outside_paid_before(section.pk),
    )


def explanation(result: calc.SettlementResult) -> dict:
    """The result as JSON for the settlement row: figures, per-category breakdown, steps."""
    return {
        **result.to_dict(),
        "claimed": f"{result.claimed:.2f}",
        "deductible_effective": f"{result.deductible_effective:.2f}",
        "aggregate_left": f"{result.aggregate_left:.2f}",
        "categories": [
            {
                "category": row.category,
                "claimed": f"{row.claimed:.2f}",
                "covered": f"{row.covered:.2f}",
                "uncovered": f"{row.uncovered:.2f}",
                "sublimit": None if row.sublimit is None else f"{row.sublimit:.2f}",
                "deductible_exempt": row.deductible_exempt,
            }
            for row in result.categories
        ],
        # As data (codes and amounts), so that each reader gets them in their own language.
        "steps": [step.to_json() for step in result.explanation_steps] or list(result.steps),
    }


def reserves_current(*, claim: Claim, section: CoverageSection) -> dict[str, Decimal]:
    """The current reserve per kind: the latest level recorded (0.00 if none)."""
    current = dict.fromkeys(ReserveKind.values, ZERO)
    for row in ReserveChange.objects.filter(claim=claim, section=section).order_by(
        "created_at", "id"
    ):
        current[row.kind] = row.level
    return current


def money_sections(*, claim: Claim) -> list[CoverageSection]:
    """The sections the claim has money on (lines, reserves or settlements), primary first."""
    ids = set(CostLine.objects.filter(claim=claim).values_list("section_id", flat=True))
    ids |= set(ReserveChange.objects.filter(claim=claim).values_list("section_id", flat=True))
    ids |= set(Settlement.objects.filter(claim=claim).values_list("section_id", flat=True))
    if claim.coverage_section_id:
        ids.add(claim.coverage_section_id)
    sections = CoverageSection.objects.filter(pk__in=ids).select_related("module")
    return sorted(sections, key=lambda s: (s.pk != claim.coverage_section_id, s.module.name))


@dataclass(frozen=True)
class AccountFigures:
    account: InsuranceYearAccount
    ledger_committed: Decimal
    paid: Decimal
    advanced: Decimal = ZERO  # deductible advanced for the insured (owed and offset entries)
    reinstated: Decimal = ZERO  # the aggregate given back by recoveries received (positive)

    @property
    def remaining(self) -> Decimal:
        return self.account.limit - self.account.committed


def account_ledger_sums(account_ids):
    """Per account of ``account_ids``: what the ledger says was committed, paid, advanced and
    reinstated (``values()`` rows, an account without entries has none)."""
    return (
        LedgerEntry.objects.filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(
            committed=Sum("amount", filter=Q(kind__in=ACCOUNT_COMMITTING)),
            paid=Sum("amount", filter=Q(kind__in=PAID_KINDS)),
            advanced=Sum("amount", filter=Q(kind__in=ADVANCE_KINDS)),
            reinstated=Sum("amount", filter=Q(kind=LedgerEntry.Kind.AGGREGATE_REINSTATED)),
        )
    )


def account_figures_from(*, accounts: list[InsuranceYearAccount],
                         sums) -> list[AccountFigures]:
    """``AccountFigures`` of ``accounts`` from their ``account_ledger_sums`` rows."""
    by_account = {row["account_id"]: row for row in sums}
    return [
        AccountFigures(
            account=account,
            ledger_committed=money(by_account.get(account.pk, {}).get("committed") or ZERO),
            paid=money(by_account.get(account.pk, {}).get("paid") or ZERO),
            advanced=money(by_account.get(account.pk, {}).get("advanced") or ZERO),
            reinstated=-money(by_account.get(account.pk, {}).get("reinstated") or ZERO),
        )
        for account in accounts
    ]


def account_figures(*, accounts) -> list[AccountFigures]:
    """Per account: its committed figure, what the ledger says was committed and paid."""
    accounts = list(accounts)
    return account_figures_from(
        accounts=accounts, sums=account_ledger_sums([account.pk for account in accounts]))


def policy_accounts(policy_id):
    """The insurance-year accounts of the policy with their section and module."""
    return InsuranceYearAccount.objects.filter(section__policy_id=policy_id).select_related(
        "section__module")


def aggregate_order(accounts) -> list[InsuranceYearAccount]:
    """The base module's accounts first, then the add-ons' by name; each by year."""
    return sorted(accounts, key=lambda a: (
        a.section.module.kind != "base", a.section.module.name, a.year))


def policy_aggregate(*, policy: Policy) -> list[AccountFigures]:
    """Per section and insurance year: limit, committed, paid, remaining."""
    return account_figures(accounts=aggregate_order(policy_accounts(policy.pk)))


def payments_due(*, claim: Claim) -> bool:
    """Whether any payment of the claim is still to be made."""
    return Payment.objects.filter(claim=claim, status=Payment.Status.PENDING).exists()


@dataclass(frozen=True)
class InsuredShare:
    """The insured's share of the deductible on a claim (or one settlement): taken from its
    payments, owed, and what of the owed was received or written off."""

    deducted: Decimal
    owed: Decimal
    received: Decimal
    written_off: Decimal
    still_owed: Decimal


_SHARE_KINDS = {
    "owed": LedgerEntry.Kind.DEDUCTIBLE_OWED, "offset": LedgerEntry.Kind.DEDUCTIBLE_OFFSET,
    "received": LedgerEntry.Kind.DEDUCTIBLE_RECEIVED,
    "written_off": LedgerEntry.Kind.DEDUCTIBLE_WRITTEN_OFF,
    "reversed": LedgerEntry.Kind.DEDUCTIBLE_REVERSED,
}


def insured_share(
    *, claim: Claim, settlement: Settlement | None = None, book: MoneyBook | None = None,
    settled: list[Settlement] | None = None,
) -> InsuredShare:
    """The insured's share on the claim (or on ``settlement``). ``book`` (the claim's ledger)
    and ``settled`` (its approved and paid settlements): rows the caller read already."""
    if book is not None and settlement is None:
        sums = {key: sum((row.total for row in book.ledger
                          if row.claim_id == claim.pk and row.kind == kind), ZERO)
                for key, kind in _SHARE_KINDS.items()}
    else:
        entries = LedgerEntry.objects.filter(claim=claim)
        if settlement is not None:
            entries = entries.filter(settlement=settlement)
        sums = entries.aggregate(**{key: Sum("amount", filter=Q(kind=kind))
                                    for key, kind in _SHARE_KINDS.items()})
    value = {key: money(amount or ZERO) for key, amount in sums.items()}
    if settlement is not None:
        settlements = [settlement]
    elif settled is not None:
        settlements = settled
    else:
        settlements = Settlement.objects.filter(claim=claim, state__in=SETTLED_STATES)
    deducted_here = ZERO
    for row in settlements:
        for payee in (row.explanation or {}).get("payees", []):
            if "deducted" in payee:
                deducted_here += Decimal(payee["deducted"])
    owed = money(value["owed"] + value["reversed"])
    return InsuredShare(
        deducted=money(deducted_here),
        owed=owed,
        received=-value["received"],
        written_off=-value["written_off"],
        still_owed=max(money(owed + value["offset"] + value["received"]
                             + value["written_off"]), ZERO),
    )
