"""The settlement arithmetic of one claim on one coverage section (DOMAIN.md, 'Settlement
arithmetic'): sublimits, deductible, per-loss limit, annual aggregate.

Pure and framework-free: plain dataclasses in, a frozen result out, no database. Every amount is a
``Decimal`` with two places, quantized half-up by ``money()`` at each step; floats are refused.
The catalogue (sublimits, exempt categories, deductible rule) is data the caller passes in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from coverage.money import ZERO, fmt, money

# The values of ``coverage.models.DeductibleRule`` (this module must not import Django).
STANDARD = "standard"
FIRST_8_HOURS = "first_8_hours"
DEDUCTIBLE_RULES = (STANDARD, FIRST_8_HOURS)

SUBLIMIT = "sublimit"
PER_LOSS = "per_loss"
AGGREGATE = "aggregate"

# The largest amount a money column holds (``max_digits=14, decimal_places=2``) and the largest
# aggregate factor (a ``PositiveSmallIntegerField``): limits of the data types, not of the cover.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_AGGREGATE_FACTOR = 32767


class SettlementInputError(ValueError):
    """An input the settlement cannot use; ``field`` names it, e.g. ``lines[0].amount``."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, kw_only=True)
class SettlementTerms:
    """What the coverage section and the catalogue say about this claim."""

    sum_insured: Decimal
    deductible: Decimal
    aggregate_factor: int = 2
    deductible_rule: str = STANDARD
    first_8_hours_loss: Decimal | None = None
    deductible_exempt: frozenset[str] = frozenset()
    # Paid on top of the sum insured and the aggregate (catalogue: not ``erodes_sum_insured``).
    outside_limits: frozenset[str] = frozenset()
    sublimits: Mapping[str, Decimal] = field(default_factory=dict)
    category_names: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class CostLine:
    category: str
    amount: Decimal


@dataclass(frozen=True)
class CategoryBreakdown:
    category: str
    claimed: Decimal
    covered: Decimal
    uncovered: Decimal
    sublimit: Decimal | None
    deductible_exempt: bool


@dataclass(frozen=True)
class SettlementResult:
    claimed: Decimal
    covered: Decimal
    uncovered: Decimal
    deductible_effective: Decimal
    deductible: Decimal
    claim_total: Decimal
    due: Decimal
    aggregate_left: Decimal
    payable: Decimal
    aggregate_remaining: Decimal
    limited_by: tuple[str, ...]
    categories: tuple[CategoryBreakdown, ...]
    steps: tuple[str, ...]
    outside_limits: Decimal = ZERO  # of ``payable``: paid on top of the sum insured

    @property
    def committing(self) -> Decimal:
        """What of ``payable`` is committed against the annual aggregate."""
        return self.payable - self.outside_limits

    def to_dict(self) -> dict[str, object]:
        """The preview's output: amounts as strings with two places, ``limited_by`` sorted."""
        amounts = ("covered", "uncovered", "deductible", "claim_total", "due", "payable")
        result: dict[str, object] = {name: fmt(getattr(self, name)) for name in amounts}
        result["aggregate_remaining"] = fmt(self.aggregate_remaining)
        result["limited_by"] = list(self.limited_by)
        return result


def calculate_settlement(
    terms: SettlementTerms,
    lines: Sequence[CostLine],
    *,
    aggregate_committed: Decimal,
    claim_committed: Decimal,
    series_deductible_taken: Decimal = ZERO,
    series_paid_before: Decimal = ZERO,
    series_sublimit_used: Mapping[str, Decimal] | None = None,
    outside_paid_before: Decimal = ZERO,
) -> SettlementResult:
    """Settle one claim.

    ``aggregate_committed``: everything already committed in the insurance year of the loss date,
    by all claims (this one included). ``claim_committed``: what is already committed on this
    claim. A series of related claims is one loss event and shares one deductible, one per-loss
    limit and the sublimits: ``series_deductible_taken`` is the deductible the other claims of the
    series bore, ``series_paid_before`` their claim totals and ``series_sublimit_used`` what they
    had covered per category (``CategoryBreakdown.covered``). Categories in
    ``terms.outside_limits`` are paid in full on top of the sum insured and the aggregate, no
    deductible taken; ``outside_paid_before`` is what of them was already paid on this claim.
    """
    sum_insured = _amount("sum_insured", terms.sum_insured)
    if sum_insured == ZERO:
        raise SettlementInputError("sum_insured", "must be more than 0.00")
    chosen = _amount("deductible", terms.deductible)
    factor = terms.aggregate_factor
    if isinstance(factor, bool) or not isinstance(factor, int):
        raise SettlementInputError("aggregate_factor", "must be a whole number")
    if not 1 <= factor <= MAX_AGGREGATE_FACTOR:
        raise SettlementInputError("aggregate_factor", f"must be from 1 to {MAX_AGGREGATE_FACTOR}")
    first_8_hours_loss = _first_8_hours_loss(terms)
    exempt = _exempt(terms.deductible_exempt)
    outside = _exempt(terms.outside_limits, "outside_limits")
    outside_paid_before = _amount("outside_paid_before", outside_paid_before)
    sublimits = {
        code: _amount(f"sublimits.{code}", value)
        for code, value in _mapping("sublimits", terms.sublimits).items()
    }
    claimed_by_category = _claimed_by_category(lines)
    aggregate_committed = _amount("aggregate_committed", aggregate_committed)
    claim_committed = _amount("claim_committed", claim_committed)
    series_deductible_taken = _amount("series_deductible_taken", series_deductible_taken)
    series_paid_before = _amount("series_paid_before", series_paid_before)
    sublimit_used = {
        code: _amount(f"series_sublimit_used.{code}", value)
        for code, value in _mapping("series_sublimit_used", series_sublimit_used or {}).items()
    }

    steps: list[str] = []
    limited_by: set[str] = set()
    name = _namer(terms.category_names)

    # 1. Sublimits, per category (per loss event: what a series used of one is gone).
    categories = []
    for code, claimed in claimed_by_category.items():
        sublimit = sublimits.get(code)
        used = sublimit_used.get(code, ZERO) if sublimit is not None else ZERO
        covered = claimed if sublimit is None else min(claimed, max(money(sublimit - used), ZERO))
        uncovered = money(claimed - covered)
        categories.append(
            CategoryBreakdown(code, claimed, covered, uncovered, sublimit, code in exempt)
        )
        text = f"{name(code)}: {_eur(claimed)} claimed"
        used_note = f" ({_eur(used)} of it used by other claims of the series)" if used else ""
        if uncovered:
            limited_by.add(SUBLIMIT)
            text += f", sublimit {_eur(sublimit)}{used_note}, {_eur(uncovered)} not covered"
        elif sublimit is not None:
            text += f", within the sublimit of {_eur(sublimit)}{used_note}"
        if code in outside:
            text += ", paid on top of the sum insured"
        elif code in exempt:
            text += ", no deductible"
        steps.append(text)
    claimed = money(sum((c.claimed for c in categories), ZERO))
    covered = money(sum((c.covered for c in categories), ZERO))
    covered_outside = money(sum((c.covered for c in categories if c.category in outside), ZERO))
    uncovered = money(claimed - covered)
    steps.append(
        f"Covered {_eur(covered)} of {_eur(claimed)} claimed"
        + (f"; {_eur(uncovered)} above sublimits not covered" if uncovered else "")
    )

    # 2. Deductible: once per loss event (shared by a series), only on non-exempt costs.
    effective = chosen if first_8_hours_loss is None else max(chosen, first_8_hours_loss)
    still_open = max(money(effective - series_deductible_taken), ZERO)
    non_exempt = money(sum((c.covered for c in categories
                            if not c.deductible_exempt and c.category not in outside), ZERO))
    deductible = min(still_open, non_exempt)
    after_deductible = money(covered - covered_outside - deductible)
    steps.append(
        _deductible_step(
            chosen, first_8_hours_loss, effective, series_deductible_taken, non_exempt, deductible
        )
    )

    # 3. Per-loss limit: the sum insured, shared by a series.
    per_loss_left = max(money(sum_insured - series_paid_before), ZERO)
    claim_total = min(after_deductible, per_loss_left)
    series_note = (
        f" ({_eur(series_paid_before)} of it already used by other claims of the series)"
        if series_paid_before
        else ""
    )
    if claim_total < after_deductible:
        limited_by.add(PER_LOSS)
        steps.append(
            f"Capped at the sum insured of {_eur(sum_insured)} per loss{series_note}: "
            f"{_eur(after_deductible)} after the deductible, "
            f"{_eur(after_deductible - claim_total)} not covered"
        )
    else:
        steps.append(
            f"Total after the deductible {_eur(claim_total)}, within the sum insured of "
            f"{_eur(sum_insured)} per loss{series_note}"
        )

    # 4. What is newly due on this claim, capped at what is left of the annual aggregate.
    due = max(money(claim_total - claim_committed), ZERO)
    if claim_committed:
        steps.append(f"Already committed on this claim {_eur(claim_committed)}; due {_eur(due)}")
    annual = money(sum_insured * factor)
    aggregate_left = max(money(annual - aggregate_committed), ZERO)
    payable = min(due, aggregate_left)
    aggregate_remaining = money(aggregate_left - payable)
    aggregate_text = (
        f"Aggregate: {_eur(aggregate_left)} left of {_eur(annual)} in this insurance year"
    )
    if payable < due:
        limited_by.add(AGGREGATE)
        steps.append(f"{aggregate_text}; {_eur(due - payable)} not payable")
    else:
        steps.append(f"{aggregate_text}; {_eur(aggregate_remaining)} left after this payment")
    outside_due = max(money(covered_outside - outside_paid_before), ZERO)
    if outside_due:
        steps.append(f"On top of the sum insured: {_eur(outside_due)}")
    payable = money(payable + outside_due)
    steps.append(f"Payable {_eur(payable)}")

    return SettlementResult(
        claimed=claimed,
        covered=covered,
        uncovered=uncovered,
        deductible_effective=effective,
        deductible=deductible,
        claim_total=claim_total,
        due=due,
        aggregate_left=aggregate_left,
        payable=payable,
        aggregate_remaining=aggregate_remaining,
        limited_by=tuple(sorted(limited_by)),
        categories=tuple(categories),
        steps=tuple(steps),
        outside_limits=outside_due,
    )


def _deductible_step(
    chosen: Decimal,
    first_8_hours_loss: Decimal | None,
    effective: Decimal,
    series_taken: Decimal,
    non_exempt: Decimal,
    deductible: Decimal,
) -> str:
    still_open = max(effective - series_taken, ZERO)
    notes = []
    if first_8_hours_loss is not None:
        notes.append(
            f"loss of the first 8 hours {_eur(first_8_hours_loss)}, "
            f"at least the chosen {_eur(chosen)}"
        )
    if effective and not still_open:
        notes.insert(0, f"{_eur(effective)} already borne by other claims of the series")
        return f"No deductible taken ({'; '.join(notes)})"
    if series_taken:
        notes.append(
            f"{_eur(series_taken)} of {_eur(effective)} already borne by other claims of the series"
        )
    if still_open and not non_exempt:
        notes.insert(0, "none of the covered costs is subject to it")
        return f"No deductible taken ({'; '.join(notes)})"
    if deductible < still_open:
        notes.append("never more than the non-exempt costs")
    note = f" ({'; '.join(notes)})" if notes else ""
    return f"Deductible {_eur(deductible)} taken from {_eur(non_exempt)} of non-exempt costs{note}"


def _eur(value: Decimal) -> str:
    return f"{value:,.2f}"


def _namer(names: Mapping[str, str]):
    names = _mapping("category_names", names)
    return lambda code: names.get(code) or code


def _amount(field_name: str, value: object) -> Decimal:
    """A validated amount: a Decimal (or int) that is finite, not negative, in whole cents."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise SettlementInputError(field_name, f"must be a Decimal, not {type(value).__name__}")
    value = Decimal(value)
    if not value.is_finite():
        raise SettlementInputError(field_name, f"not an amount: {value}")
    if value < 0:
        raise SettlementInputError(field_name, "must not be negative")
    if value.as_tuple().exponent < -2:
        raise SettlementInputError(field_name, "more than 2 decimal places")
    if value > MAX_AMOUNT:
        raise SettlementInputError(field_name, f"more than {_eur(MAX_AMOUNT)}")
    return money(value)


def _mapping(field_name: str, value: object) -> Mapping:
    if not isinstance(value, Mapping):
        raise SettlementInputError(field_name, "must be a mapping of category codes")
    for code in value:
        _category(field_name, code)
    return value


def _category(field_name: str, code: object) -> str:
    if not isinstance(code, str) or not code.strip():
        raise SettlementInputError(field_name, "must be a category code")
    return code


def _first_8_hours_loss(terms: SettlementTerms) -> Decimal | None:
    rule = terms.deductible_rule
    if rule not in DEDUCTIBLE_RULES:
        expected = " or ".join(repr(r) for r in DEDUCTIBLE_RULES)
        raise SettlementInputError("deductible_rule", f"unknown rule {rule!r}; use {expected}")
    if rule == STANDARD:
        if terms.first_8_hours_loss is not None:
            raise SettlementInputError(
                "first_8_hours_loss", f"only used with deductible_rule {FIRST_8_HOURS!r}"
            )
        return None
    if terms.first_8_hours_loss is None:
        raise SettlementInputError(
            "first_8_hours_loss", f"required with deductible_rule {FIRST_8_HOURS!r}"
        )
    return _amount("first_8_hours_loss", terms.first_8_hours_loss)


def _exempt(codes: object, name: str = "deductible_exempt") -> frozenset[str]:
    if isinstance(codes, str) or not isinstance(codes, frozenset | set | list | tuple):
        raise SettlementInputError(name, "must be a set of category codes")
    return frozenset(_category(name, code) for code in codes)


def _claimed_by_category(lines: Sequence[CostLine]) -> dict[str, Decimal]:
    """The claimed amounts per category, in the order the categories first appear."""
    if isinstance(lines, str | bytes) or not isinstance(lines, Sequence):
        raise SettlementInputError("lines", "must be a list of cost lines")
    claimed: dict[str, Decimal] = {}
    for index, line in enumerate(lines):
        code = _category(f"lines[{index}].category", getattr(line, "category", None))
        amount = _amount(f"lines[{index}].amount", getattr(line, "amount", None))
        claimed[code] = money(claimed.get(code, ZERO) + amount)
    return claimed
