"""What the claim page reads, read once per request: the policy's sections and insurance-year
accounts, the claim's settlements, payments, reserve changes, cost lines and its ``MoneyBook``.

The summary at the top, the overview, the money statement and the financials all show parts of
the same rows; each asks this object (``page_reads(claim)``), which reads a table the first time
it is asked and then hands out the same rows. It lives on the claim instance the admin reads once
per GET (``ClaimAdminBase.get_object``), so it never outlives the request.

Each read is a ``config.statements.Prepared`` queryset: built and compiled once per connection,
then only run (compiling them was a third of the page's time).
"""

from __future__ import annotations

from decimal import Decimal
from functools import cached_property

from django.db.models import OuterRef, Subquery

from claims.models import Activity, Claim
from claims.money.book import SETTLEMENT_COLUMNS, MoneyBook
from claims.money.models import CostLine, Payment, ReserveChange, ReserveKind, Settlement
from claims.money.selectors import (
    AccountFigures,
    account_figures_from,
    account_ledger_sums,
    aggregate_order,
    policy_accounts,
)
from config.statements import Prepared
from coverage.models import ModuleCostCategory
from coverage.money import ZERO
from policies.models import CoverageSection

_SECTIONS = Prepared(lambda p: CoverageSection.objects.filter(policy_id=p.int("policy_id"))
                     .base_first())
_COVERING = Prepared(lambda p: CoverageSection.objects.filter(policy_id=p.int("policy_id"))
                     .covering(p.int("loss_type_id")).values_list("pk", flat=True))
_ACTIVITIES = Prepared(lambda p: Activity.objects.filter(claim_id=p.int("claim_id"))
                       .select_related("escalated_to").order_by("due_at", "pk"))
_SETTLEMENTS = Prepared(lambda p: Settlement.objects.filter(claim_id=p.int("claim_id"))
                        .select_related("section__module", "proposed_by", "decided_by"))
_PAYMENTS = Prepared(lambda p: Payment.objects.filter(claim_id=p.int("claim_id"))
                     .select_related("voided_by", "reissued_as"))
_RESERVE_CHANGES = Prepared(lambda p: ReserveChange.objects.filter(claim_id=p.int("claim_id"))
                            .order_by("created_at", "id"))


def _cost_lines(p):
    sublimit = ModuleCostCategory.objects.filter(
        module_id=OuterRef("section__module_id"), category_id=OuterRef("category_id")
    ).values("sublimit")[:1]
    return (CostLine.objects.filter(claim_id=p.int("claim_id"))
            .select_related("category", "created_by")
            .annotate(sublimit=Subquery(sublimit)).order_by("created_at", "id"))


_COST_LINES = Prepared(_cost_lines)
_ACCOUNTS = Prepared(lambda p: policy_accounts(p.int("policy_id")))
_LEDGER_SUMS = Prepared(lambda p: account_ledger_sums(p.ints("account_ids")))


class ClaimPageReads:
    def __init__(self, claim: Claim):
        self.claim = claim

    # --- the policy ---------------------------------------------------------------------------

    @cached_property
    def sections(self) -> list:
        """The policy's sections with their module, the base module's first."""
        policy = self.claim.policy
        rows = _SECTIONS.all(policy_id=policy.pk)
        for row in rows:
            row.policy = policy  # as ``policy.sections`` gives them: no query for the policy
        return rows

    @cached_property
    def covering_section_ids(self) -> set[int]:
        """The sections whose module covers the claim's loss type."""
        return set(_COVERING.all(policy_id=self.claim.policy_id,
                                 loss_type_id=self.claim.loss_type_id))

    @cached_property
    def accounts(self) -> list[AccountFigures]:
        """Every insurance-year account of the policy with its ledger figures
        (``claims.money.selectors.policy_aggregate``)."""
        accounts = aggregate_order(_ACCOUNTS.all(policy_id=self.claim.policy_id))
        sums = _LEDGER_SUMS.all(account_ids=[row.pk for row in accounts]) if accounts else []
        return account_figures_from(accounts=accounts, sums=sums)

    def accounts_of_loss_year(self) -> list[AccountFigures]:
        day = self.claim.loss_date
        return [row for row in self.accounts if row.account.starts_on <= day < row.account.ends_on]

    def coverage_account_committed(self, section) -> Decimal | None:
        """The committed figure of the account a settlement on ``section`` is booked on, when it
        is the coverage check's account (read with the accounts); None: let the preview read it."""
        claim = self.claim
        if section.pk != claim.coverage_section_id or not claim.coverage_account_id:
            return None
        return next((row.account.committed for row in self.accounts
                     if row.account.pk == claim.coverage_account_id), None)

    # --- the claim's activities --------------------------------------------------------------

    @cached_property
    def activities(self) -> list[Activity]:
        """The claim's activities, the next due first (the summary shows the open ones, the
        overview lists them all), with whom they were escalated to."""
        rows = _ACTIVITIES.all(claim_id=self.claim.pk)
        for row in rows:
            row.claim = self.claim  # the row's name shows its claim: no query for it
        return rows

    # --- the claim's money --------------------------------------------------------------------

    @cached_property
    def settlements(self) -> list[Settlement]:
        """The claim's settlements, oldest first, with what their rows show."""
        return _SETTLEMENTS.all(claim_id=self.claim.pk)

    @cached_property
    def payments(self) -> list[Payment]:
        """The claim's payments, oldest first, with who voided them and their re-issue."""
        return _PAYMENTS.all(claim_id=self.claim.pk)

    @cached_property
    def reserve_changes(self) -> list[ReserveChange]:
        """The claim's reserve history, oldest first."""
        return _RESERVE_CHANGES.all(claim_id=self.claim.pk)

    def reserves(self, section_id: int | None = None) -> dict[str, Decimal]:
        """The current reserve per kind (the latest level; of one section, or summed over the
        sections)."""
        latest: dict[tuple[int, str], Decimal] = {}
        for row in self.reserve_changes:
            if section_id is None or row.section_id == section_id:
                latest[(row.section_id, row.kind)] = row.level
        current = dict.fromkeys(ReserveKind.values, ZERO)
        for (_section, kind), level in latest.items():
            current[kind] += level
        return current

    @cached_property
    def cost_lines(self) -> list[CostLine]:
        """The claim's cost lines (every section), oldest first, with their category, author and
        the section's sublimit for the category (what ``MoneyBook`` reads)."""
        return _COST_LINES.all(claim_id=self.claim.pk)

    @cached_property
    def book(self) -> MoneyBook:
        """The claim's ``MoneyBook`` from the lines, settlements and payments read here (the
        book reads the ledger; and a series' settlements, which are not all this claim's)."""
        settlements = None
        if self.claim.series_id is None:
            settlements = [{column: getattr(row, column) for column in SETTLEMENT_COLUMNS}
                           for row in self.settlements]
        return MoneyBook.load(self.claim, lines=self.cost_lines, settlements=settlements,
                              payments=self._payments_per_payee())

    def _payments_per_payee(self) -> list[dict] | None:
        """The payments summed per section, payee and status, as the book reads them (None
        when a payment's settlement is not one of the claim's: the book then reads them)."""
        section_of = {row.pk: row.section_id for row in self.settlements}
        totals: dict[tuple, Decimal] = {}
        for payment in self.payments:
            if payment.settlement_id is not None and payment.settlement_id not in section_of:
                return None
            key = (section_of.get(payment.settlement_id), payment.payee_kind,
                   payment.payee_name, payment.status)
            totals[key] = totals.get(key, ZERO) + payment.amount
        return [{"settlement__section_id": section, "payee_kind": kind, "payee_name": name,
                 "status": status, "total": total}
                for (section, kind, name, status), total in totals.items()]

    def money_sections(self) -> list:
        """The sections the claim has money on (lines, reserves or settlements), primary
        first (``claims.money.selectors.money_sections`` from the rows read here)."""
        claim = self.claim
        ids = {line.section_id for line in self.cost_lines}
        ids |= {row.section_id for row in self.reserve_changes}
        ids |= {row.section_id for row in self.settlements}
        if claim.coverage_section_id:
            ids.add(claim.coverage_section_id)
        return sorted((s for s in self.sections if s.pk in ids),
                      key=lambda s: (s.pk != claim.coverage_section_id, s.module.name))


def page_reads(claim: Claim) -> ClaimPageReads:
    """The reads of this claim instance (one per request: the admin reads the claim once)."""
    reads = claim.__dict__.get("_page_reads")
    if reads is None:
        reads = claim.__dict__["_page_reads"] = ClaimPageReads(claim)
    return reads
