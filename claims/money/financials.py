"""Claim financials (issue 14): outstanding reserves that run off, recoveries and incurred.

``incurred = paid + outstanding reserve - recovered``, where

- paid is the ledger's payment entries less voided payments (``PAID_KINDS``);
- the outstanding reserve is the latest ``ReserveChange`` level per claim, section and kind; a
  payment runs it off (a system row: loss for a payment to the insured or a claimant, expense for
  a payment to a vendor), closing the claim sets it to zero and reopening restores it;
- recovered is what came back: recoveries received and the deductible received from the insured
  (``RECOVERED_KINDS``, negative entries on the ledger).

The figures are SQL expressions (``claim_figures``) so that a list, an export of a million
claims or a policy's page computes them in one query, never one per row.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    DecimalField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from claims.models import Claim
from claims.money.models import (
    PAID_KINDS,
    RECOVERED_KINDS,
    RECOVERY_KINDS,
    LedgerEntry,
    PayeeKind,
    Payment,
    ReserveChange,
    ReserveKind,
    Settlement,
    SettlementState,
)
from config.audit import audit_record
from config.statements import Prepared
from coverage.models import localized_name
from coverage.money import ZERO, money
from policies.models import CoverageSection

CLOSE_REASON = "Claim closed: reserve set to zero."
REOPEN_REASON = "Claim reopened: reserve restored."
DEC = DecimalField(max_digits=14, decimal_places=2)


def payment_reserve_kind(payment: Payment) -> str:
    """The cost type a payment runs off: a vendor's fee is expense, indemnity is loss."""
    return ReserveKind.EXPENSE if payment.payee_kind == PayeeKind.VENDOR else ReserveKind.LOSS


_RESERVE_CHANGES = Prepared(lambda p: ReserveChange.objects.filter(claim_id=p.int("claim_id"))
                            .order_by("created_at", "id"))


def _latest_levels(claim: Claim) -> dict[tuple[int, str], ReserveChange]:
    latest: dict[tuple[int, str], ReserveChange] = {}
    for row in _RESERVE_CHANGES.all(claim_id=claim.pk):
        latest[(row.section_id, row.kind)] = row
    return latest


def reserve_follow_payment(*, claim: Claim, section_id: int, payment: Payment, sign: int) -> None:
    """Run the reserve off by a payment (``sign`` 1) or put it back when the payment is voided
    (``sign`` -1). Inside the payment's transaction; the claim row is locked."""
    kind = payment_reserve_kind(payment)
    row = _latest_levels(claim).get((section_id, kind))
    current = row.level if row is not None else ZERO
    if sign > 0:
        if current <= 0:
            return
        level = max(ZERO, current - payment.amount)
        reason = f"Run off by payment {payment.pk} of {payment.amount:,.2f}."
    else:
        level = current + payment.amount
        reason = f"Payment {payment.pk} of {payment.amount:,.2f} voided: reserve put back."
    change = ReserveChange.objects.create(
        claim=claim, section_id=section_id, kind=kind, level=money(level),
        previous_level=current, reason=reason, created_by=None,
    )
    audit_record(actor=None, action="money.reserve_changed", obj=change, from_value=current,
                 to_value=change.level, reason=reason,
                 payload={"kind": kind, "payment": payment.pk}, claim_id=claim.pk)


def reserves_on_transition(*, claim: Claim, transition: str, by, now) -> None:
    """Inside ``claim_transition`` (money's transition rule): closing sets every outstanding
    reserve to zero (one row each with an audit row); reopening restores the levels the close
    cleared."""
    if transition == "close":
        for (section_id, kind), row in _latest_levels(claim).items():
            if row.level > 0:
                _reserve_row(claim, section_id, kind, ZERO, row.level, CLOSE_REASON, by)
    elif transition == "reopen":
        for (section_id, kind), row in _latest_levels(claim).items():
            if row.reason == CLOSE_REASON and row.previous_level > 0:
                _reserve_row(claim, section_id, kind, row.previous_level, ZERO,
                             REOPEN_REASON, by)


def _reserve_row(claim, section_id, kind, level, previous, reason, by) -> None:
    change = ReserveChange.objects.create(
        claim=claim, section_id=section_id, kind=kind, level=level, previous_level=previous,
        reason=reason, created_by=by,
    )
    audit_record(actor=by, action="money.reserve_changed", obj=change, from_value=previous,
                 to_value=level, reason=reason, payload={"kind": kind}, claim_id=claim.pk)


# --- figures as SQL -----------------------------------------------------------------------

def _ledger_sum(kinds, *, sign: int = 1, **filters) -> Coalesce:
    rows = (
        LedgerEntry.objects.filter(claim=OuterRef("pk"), kind__in=kinds, **filters)
        .order_by().values("claim").annotate(total=Sum("amount")).values("total")
    )
    expr = Subquery(rows, output_field=DEC)
    if sign < 0:
        expr = -expr
    return Coalesce(expr, Value(ZERO), output_field=DEC)


def _outstanding(kind: str | None = None) -> Coalesce:
    later = ReserveChange.objects.filter(
        claim=OuterRef("claim"), section=OuterRef("section"), kind=OuterRef("kind"),
        id__gt=OuterRef("id"),
    )
    rows = ReserveChange.objects.filter(claim=OuterRef("pk")).exclude(Exists(later))
    if kind:
        rows = rows.filter(kind=kind)
    rows = rows.order_by().values("claim").annotate(total=Sum("level")).values("total")
    return Coalesce(Subquery(rows, output_field=DEC), Value(ZERO), output_field=DEC)


def claim_figures(claims: QuerySet, *, month_start=None, month_end=None) -> QuerySet:
    """``claims`` annotated with paid, outstanding reserves, recovered, the open recovery
    reserve, deductible, incurred (and paid in the month when given)."""
    deductible = (
        Settlement.objects.filter(claim=OuterRef("pk"),
                                  state__in=[SettlementState.APPROVED, SettlementState.PAID])
        .order_by().values("claim").annotate(total=Sum("deductible_taken")).values("total")
    )
    qs = claims.annotate(
        fin_paid=_ledger_sum(PAID_KINDS),
        fin_loss_reserve=_outstanding(ReserveKind.LOSS),
        fin_expense_reserve=_outstanding(ReserveKind.EXPENSE),
        fin_recovered=_ledger_sum(RECOVERED_KINDS, sign=-1),
        fin_recovery_reserve=_ledger_sum(RECOVERY_KINDS),
        fin_deductible=Coalesce(Subquery(deductible, output_field=DEC), Value(ZERO),
                                output_field=DEC),
    ).annotate(
        fin_reserve=F("fin_loss_reserve") + F("fin_expense_reserve"),
        fin_incurred=F("fin_paid") + F("fin_loss_reserve") + F("fin_expense_reserve")
        - F("fin_recovered"),
    )
    if month_start is not None:
        qs = qs.annotate(fin_paid_month=_ledger_sum(
            PAID_KINDS, created_at__gte=month_start, created_at__lt=month_end))
    return qs


@dataclass
class Figures:
    label: str
    paid: Decimal = ZERO
    loss_reserve: Decimal = ZERO
    expense_reserve: Decimal = ZERO
    recovered: Decimal = ZERO
    recovery_reserve: Decimal = ZERO
    claims: int = 0

    @property
    def reserve(self) -> Decimal:
        return self.loss_reserve + self.expense_reserve

    @property
    def incurred(self) -> Decimal:
        return self.paid + self.reserve - self.recovered

    def as_dict(self) -> dict:
        return {
            "label": str(self.label), "claims": self.claims, "paid": self.paid,
            "loss_reserve": self.loss_reserve, "expense_reserve": self.expense_reserve,
            "outstanding_reserve": self.reserve, "recovered": self.recovered,
            "recovery_reserve": self.recovery_reserve, "incurred": self.incurred,
        }


def _section_rows(claim_ids) -> dict[tuple[int, int], Figures]:
    """Per (claim, section): paid, recovered and recovery reserve from the ledger and the
    outstanding reserves; in three queries for any number of claims."""
    out: dict[tuple[int, int], Figures] = {}

    def get(claim_id, section_id):
        return out.setdefault((claim_id, section_id), Figures(label=""))

    ledger = (
        LedgerEntry.objects.filter(claim_id__in=claim_ids)
        .filter(Q(kind__in=PAID_KINDS) | Q(kind__in=RECOVERED_KINDS) | Q(kind__in=RECOVERY_KINDS))
        .values("claim_id", "account__section_id")
        .annotate(
            paid=Sum("amount", filter=Q(kind__in=PAID_KINDS)),
            recovered=Sum("amount", filter=Q(kind__in=RECOVERED_KINDS)),
            recovery=Sum("amount", filter=Q(kind__in=RECOVERY_KINDS)),
        ).order_by()
    )
    for row in ledger:
        fig = get(row["claim_id"], row["account__section_id"])
        fig.paid += row["paid"] or ZERO
        fig.recovered -= row["recovered"] or ZERO
        fig.recovery_reserve += row["recovery"] or ZERO
    later = ReserveChange.objects.filter(
        claim=OuterRef("claim"), section=OuterRef("section"), kind=OuterRef("kind"),
        id__gt=OuterRef("id"),
    )
    for row in ReserveChange.objects.filter(claim_id__in=claim_ids).exclude(Exists(later)).values(
        "claim_id", "section_id", "kind", "level"
    ):
        fig = get(row["claim_id"], row["section_id"])
        if row["kind"] == ReserveKind.LOSS:
            fig.loss_reserve += row["level"]
        else:
            fig.expense_reserve += row["level"]
    return out


def _add(target: Figures, source: Figures) -> None:
    target.paid += source.paid
    target.loss_reserve += source.loss_reserve
    target.expense_reserve += source.expense_reserve
    target.recovered += source.recovered
    target.recovery_reserve += source.recovery_reserve


def _section_rows_read(claim: Claim, reads) -> dict[tuple[int, int], Figures]:
    """``_section_rows`` of one claim from the rows the claim page read (``claims.desk.reads``):
    its ledger sums (``MoneyBook.ledger``) and its reserve history."""
    out: dict[tuple[int, int], Figures] = {}
    for row in reads.book.ledger:
        if row.claim_id != claim.pk:
            continue
        if row.kind not in PAID_KINDS and row.kind not in RECOVERED_KINDS \
                and row.kind not in RECOVERY_KINDS:
            continue
        fig = out.setdefault((claim.pk, row.account_section_id), Figures(label=""))
        if row.kind in PAID_KINDS:
            fig.paid += row.total
        if row.kind in RECOVERED_KINDS:  # a recovery received is in both
            fig.recovered -= row.total
        if row.kind in RECOVERY_KINDS:
            fig.recovery_reserve += row.total
    latest: dict[tuple[int, str], ReserveChange] = {}
    for row in reads.reserve_changes:  # the latest level: the highest id per section and kind
        key = (row.section_id, row.kind)
        if key not in latest or row.pk > latest[key].pk:
            latest[key] = row
    for (section_id, kind), row in latest.items():
        fig = out.setdefault((claim.pk, section_id), Figures(label=""))
        if kind == ReserveKind.LOSS:
            fig.loss_reserve += row.level
        else:
            fig.expense_reserve += row.level
    return out


def claim_financials(*, claim: Claim, reads=None) -> dict:
    """The claim's figures per section and in total (admin, API). ``reads``: the claim page's
    rows (``claims.desk.reads.ClaimPageReads``), which hold all the figures need."""
    if reads is not None:
        rows = _section_rows_read(claim, reads)
        names = {section.pk: section.module.name for section in reads.sections}
    else:
        rows = _section_rows([claim.pk])
        names = dict(
            CoverageSection.objects.filter(pk__in=[s for _, s in rows])
            .annotate(label=localized_name("module__")).values_list("pk", "label")
        )
    total = Figures(label=_("Claim total"), claims=1)
    sections = []
    for (_claim, section_id), fig in sorted(rows.items()):
        fig.label = names.get(section_id, str(section_id))
        sections.append(fig.as_dict() | {"section": section_id})
        _add(total, fig)
    return {"sections": sections, "total": total.as_dict()}


def policy_financials(*, policy) -> dict:
    """A policy's figures per insurance year (the claim's loss-date year) and section."""
    claims = list(Claim.objects.filter(policy=policy).values_list(
        "pk", "coverage_insurance_year"))
    years = dict(claims)
    rows = _section_rows(list(years))
    names = dict(CoverageSection.objects.filter(policy=policy).annotate(
        label=localized_name("module__")).values_list("pk", "label"))
    by_year: dict[tuple, Figures] = {}
    total = Figures(label=_("Policy total"), claims=len(claims))
    claims_in: dict[tuple, set] = {}
    for (claim_id, section_id), fig in rows.items():
        key = (years.get(claim_id) or 0, section_id)
        _add(by_year.setdefault(key, Figures(label=names.get(section_id, ""))), fig)
        claims_in.setdefault(key, set()).add(claim_id)
        _add(total, fig)
    out = []
    for key in sorted(by_year):
        fig = by_year[key]
        fig.claims = len(claims_in[key])
        out.append(fig.as_dict() | {"insurance_year": key[0] or None, "section": key[1]})
    return {"years": out, "total": total.as_dict()}


def product_financials(*, claims: QuerySet | None = None) -> list[dict]:
    """Per product: the book's figures (one aggregate query over the annotated claims)."""
    qs = claim_figures(claims if claims is not None else Claim.objects.all())
    rows = qs.order_by().annotate(product_name=localized_name("policy__product__")).values(
        "product_name").annotate(
        claims=Sum(Value(1)), paid=Sum("fin_paid"), loss_reserve=Sum("fin_loss_reserve"),
        expense_reserve=Sum("fin_expense_reserve"), recovered=Sum("fin_recovered"),
        recovery_reserve=Sum("fin_recovery_reserve"),
    )
    out = []
    for row in rows:
        fig = Figures(label=row["product_name"], claims=row["claims"],
                      paid=row["paid"], loss_reserve=row["loss_reserve"],
                      expense_reserve=row["expense_reserve"], recovered=row["recovered"],
                      recovery_reserve=row["recovery_reserve"])
        out.append(fig.as_dict())
    return out


def recovery_breaches() -> list[str]:
    """For ``check_ledger``: per recovery, received and written off never exceed the expected
    amount (the open recovery reserve is not negative); the aggregate is reinstated only where
    the catalogue says so, and by no more than was received."""
    breaches = []
    rows = (
        LedgerEntry.objects.filter(recovery__isnull=False).values(
            "recovery_id", "account_id", "account__section__module__recoveries_reinstate_aggregate"
        ).annotate(
            open=Sum("amount", filter=Q(kind__in=RECOVERY_KINDS)),
            received=Sum("amount", filter=Q(kind=LedgerEntry.Kind.RECOVERY_RECEIVED)),
            reinstated=Sum("amount", filter=Q(kind=LedgerEntry.Kind.AGGREGATE_REINSTATED)),
        ).order_by("recovery_id")
    )
    for row in rows:
        name = f"recovery {row['recovery_id']}"
        if (row["open"] or ZERO) < 0:
            breaches.append(f"{name}: open recovery reserve {row['open']:.2f} < 0")
        reinstated = -(row["reinstated"] or ZERO)
        received = -(row["received"] or ZERO)
        if row["account__section__module__recoveries_reinstate_aggregate"]:
            if reinstated > received:
                breaches.append(f"{name}: aggregate reinstated {reinstated:.2f} > received "
                                f"{received:.2f}")
        elif reinstated:
            breaches.append(f"{name}: aggregate reinstated {reinstated:.2f} although the "
                            "module's recoveries do not reinstate it")
    return breaches
