"""The settlement arithmetic of one claim on one coverage section (DOMAIN.md, 'Settlement
arithmetic'): sublimits, deductible, per-loss limit, annual aggregate.

Pure and framework-free: plain dataclasses in, a frozen result out, no database. Every amount is a
``Decimal`` with two places, quantized half-up by ``money()`` at each step; floats are refused.
The catalogue (sublimits, exempt categories, deductible rule) is data the caller passes in.

The explanation is data too: each ``Step`` is a message code with its arguments (amounts as
``Decimal``, a category as its code) and ``render_step`` turns it into a sentence with the
translation and the money format the caller passes (the pages and the API use gettext and the
reader's format; ``SettlementResult.steps`` holds the English wording for logs and the audit
trail). The messages are marked with ``gettext_noop`` so that ``makemessages`` finds them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
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


def gettext_noop(message: str) -> str:
    """Marks a message for ``makemessages`` (Django's own name for it); translated when shown."""
    return message


def _same(text: str) -> str:
    return text


class SettlementInputError(ValueError):
    """An input the settlement cannot use; ``field`` names it, e.g. ``lines[0].amount``.
    ``message`` is the English message (a ``%(name)s`` template when ``args`` are given);
    ``text()`` says it in the reader's language."""

    def __init__(self, field: str, message: str, args: Mapping[str, object] | None = None) -> None:
        self.field = field
        self.template = message
        self.message_args = dict(args) if args is not None else None
        self.message = self._message(_same, _eur)
        super().__init__(f"{field}: {self.message}")

    def __reduce__(self):
        return (type(self), (self.field, self.template, self.message_args))

    def _message(self, translate: Callable[[str], str], amount: Callable[[Decimal], str]) -> str:
        if self.message_args is None:
            return translate(self.template)
        return translate(self.template) % {
            name: amount(value) if isinstance(value, Decimal) else value
            for name, value in self.message_args.items()
        }

    def text(self, translate: Callable[[str], str] = _same,
             amount: Callable[[Decimal], str] | None = None) -> str:
        """``field: message`` with the message translated and its amounts formatted."""
        return f"{self.field}: {self._message(translate, amount or _eur)}"


# The explanation's messages by code. A step's ``notes`` are clauses added to its sentence: in
# brackets joined by "; " for the deductible steps, else each after a comma.
MESSAGES: dict[str, str] = {
    "category": gettext_noop("%(category)s: %(claimed)s claimed"),
    "category_over_sublimit": gettext_noop(
        "%(category)s: %(claimed)s claimed, sublimit %(sublimit)s, %(uncovered)s not covered"),
    "category_over_sublimit_series": gettext_noop(
        "%(category)s: %(claimed)s claimed, sublimit %(sublimit)s (%(used)s of it used by other "
        "claims of the series), %(uncovered)s not covered"),
    "category_within_sublimit": gettext_noop(
        "%(category)s: %(claimed)s claimed, within the sublimit of %(sublimit)s"),
    "category_within_sublimit_series": gettext_noop(
        "%(category)s: %(claimed)s claimed, within the sublimit of %(sublimit)s (%(used)s of it "
        "used by other claims of the series)"),
    "outside_limits": gettext_noop("paid on top of the sum insured"),
    "deductible_exempt": gettext_noop("no deductible"),
    "covered": gettext_noop("Covered %(covered)s of %(claimed)s claimed"),
    "covered_above_sublimits": gettext_noop(
        "Covered %(covered)s of %(claimed)s claimed; %(uncovered)s above sublimits not covered"),
    "deductible_taken": gettext_noop(
        "Deductible %(deductible)s taken from %(non_exempt)s of non-exempt costs"),
    "deductible_none": gettext_noop("No deductible taken"),
    "first_8_hours": gettext_noop(
        "loss of the first 8 hours %(loss)s, at least the chosen %(chosen)s"),
    "series_deductible_borne": gettext_noop(
        "%(effective)s already borne by other claims of the series"),
    "series_deductible_part": gettext_noop(
        "%(taken)s of %(effective)s already borne by other claims of the series"),
    "nothing_subject_to_deductible": gettext_noop("none of the covered costs is subject to it"),
    "deductible_capped": gettext_noop("never more than the non-exempt costs"),
    "per_loss_capped": gettext_noop(
        "Capped at the sum insured of %(sum_insured)s per loss: %(after_deductible)s after the "
        "deductible, %(not_covered)s not covered"),
    "per_loss_capped_series": gettext_noop(
        "Capped at the sum insured of %(sum_insured)s per loss (%(series_paid)s of it already "
        "used by other claims of the series): %(after_deductible)s after the deductible, "
        "%(not_covered)s not covered"),
    "per_loss_within": gettext_noop(
        "Total after the deductible %(claim_total)s, within the sum insured of %(sum_insured)s "
        "per loss"),
    "per_loss_within_series": gettext_noop(
        "Total after the deductible %(claim_total)s, within the sum insured of %(sum_insured)s "
        "per loss (%(series_paid)s of it already used by other claims of the series)"),
    "claim_committed": gettext_noop("Already committed on this claim %(committed)s; due %(due)s"),
    "aggregate_short": gettext_noop(
        "Aggregate: %(left)s left of %(annual)s in this insurance year; %(not_payable)s not "
        "payable"),
    "aggregate_left": gettext_noop(
        "Aggregate: %(left)s left of %(annual)s in this insurance year; %(remaining)s left after "
        "this payment"),
    "outside_due": gettext_noop("On top of the sum insured: %(amount)s"),
    "payable": gettext_noop("Payable %(payable)s"),
}
BRACKETED_NOTES = frozenset({"deductible_taken", "deductible_none"})


@dataclass(frozen=True)
class Step:
    """One line of the explanation: a code of ``MESSAGES``, its arguments (amounts as
    ``Decimal``, ``category`` as a category code) and the clauses added to it."""

    code: str
    args: Mapping[str, object] = field(default_factory=dict)
    notes: tuple[Step, ...] = ()

    def to_json(self) -> dict[str, object]:
        """Amounts as strings with two places (the API's and the stored explanation's format)."""
        data: dict[str, object] = {
            "code": self.code,
            "args": {name: fmt(value) if isinstance(value, Decimal) else value
                     for name, value in self.args.items()},
        }
        if self.notes:
            data["notes"] = [note.to_json() for note in self.notes]
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> Step:
        """The step of ``to_json``; raises ``ValueError`` on anything else."""
        if not isinstance(data, Mapping) or data.get("code") not in MESSAGES:
            raise ValueError(f"not a settlement step: {data!r}")
        args = data.get("args") or {}
        notes = data.get("notes") or []
        if not isinstance(args, Mapping) or not isinstance(notes, list):
            raise ValueError(f"not a settlement step: {data!r}")
        return cls(
            str(data["code"]),
            {str(name): str(value) if name == "category" else Decimal(str(value))
             for name, value in args.items()},
            tuple(cls.from_json(note) for note in notes),
        )


def render_step(
    step: Step,
    *,
    translate: Callable[[str], str] = _same,
    amount: Callable[[Decimal], str] | None = None,
    category: Callable[[str], str] = _same,
) -> str:
    """The step as a sentence: ``translate`` its message (and its notes'), amounts through
    ``amount`` (default ``1,500.00``), the category code through ``category`` (its name)."""
    amount = amount or _eur
    values = {
        name: category(value) if name == "category" else
        amount(value) if isinstance(value, Decimal) else value
        for name, value in step.args.items()
    }
    text = translate(MESSAGES[step.code]) % values
    notes = [render_step(note, translate=translate, amount=amount, category=category)
             for note in step.notes]
    if not notes:
        return text
    if step.code in BRACKETED_NOTES:
        return f"{text} ({'; '.join(notes)})"
    return ", ".join([text, *notes])


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
    steps: tuple[str, ...]  # the explanation in English (logs, the audit trail)
    outside_limits: Decimal = ZERO  # of ``payable``: paid on top of the sum insured
    explanation_steps: tuple[Step, ...] = ()  # the explanation as data, for ``render_step``

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
        raise SettlementInputError("sum_insured", gettext_noop("must be more than %(min)s"),
                                   {"min": ZERO})
    chosen = _amount("deductible", terms.deductible)
    factor = terms.aggregate_factor
    if isinstance(factor, bool) or not isinstance(factor, int):
        raise SettlementInputError("aggregate_factor", gettext_noop("must be a whole number"))
    if not 1 <= factor <= MAX_AGGREGATE_FACTOR:
        raise SettlementInputError("aggregate_factor", gettext_noop("must be from 1 to %(max)s"),
                                   {"max": MAX_AGGREGATE_FACTOR})
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

    steps: list[Step] = []
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
        args: dict[str, object] = {"category": code, "claimed": claimed}
        series = "_series" if used else ""
        if used:
            args["used"] = used
        if uncovered:
            limited_by.add(SUBLIMIT)
            message = f"category_over_sublimit{series}"
            args.update(sublimit=sublimit, uncovered=uncovered)
        elif sublimit is not None:
            message = f"category_within_sublimit{series}"
            args["sublimit"] = sublimit
        else:
            message = "category"
        notes = (Step("outside_limits"),) if code in outside else (
            (Step("deductible_exempt"),) if code in exempt else ())
        steps.append(Step(message, args, notes))
    claimed = money(sum((c.claimed for c in categories), ZERO))
    covered = money(sum((c.covered for c in categories), ZERO))
    covered_outside = money(sum((c.covered for c in categories if c.category in outside), ZERO))
    uncovered = money(claimed - covered)
    if uncovered:
        steps.append(Step("covered_above_sublimits",
                          {"covered": covered, "claimed": claimed, "uncovered": uncovered}))
    else:
        steps.append(Step("covered", {"covered": covered, "claimed": claimed}))

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
    per_loss: dict[str, object] = {"sum_insured": sum_insured}
    series = "_series" if series_paid_before else ""
    if series_paid_before:
        per_loss["series_paid"] = series_paid_before
    if claim_total < after_deductible:
        limited_by.add(PER_LOSS)
        steps.append(Step(f"per_loss_capped{series}", {
            **per_loss, "after_deductible": after_deductible,
            "not_covered": money(after_deductible - claim_total)}))
    else:
        steps.append(Step(f"per_loss_within{series}", {**per_loss, "claim_total": claim_total}))

    # 4. What is newly due on this claim, capped at what is left of the annual aggregate.
    due = max(money(claim_total - claim_committed), ZERO)
    if claim_committed:
        steps.append(Step("claim_committed", {"committed": claim_committed, "due": due}))
    annual = money(sum_insured * factor)
    aggregate_left = max(money(annual - aggregate_committed), ZERO)
    payable = min(due, aggregate_left)
    aggregate_remaining = money(aggregate_left - payable)
    aggregate = {"left": aggregate_left, "annual": annual}
    if payable < due:
        limited_by.add(AGGREGATE)
        steps.append(Step("aggregate_short", {**aggregate, "not_payable": money(due - payable)}))
    else:
        steps.append(Step("aggregate_left", {**aggregate, "remaining": aggregate_remaining}))
    outside_due = max(money(covered_outside - outside_paid_before), ZERO)
    if outside_due:
        steps.append(Step("outside_due", {"amount": outside_due}))
    payable = money(payable + outside_due)
    steps.append(Step("payable", {"payable": payable}))
    category_name = name

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
        steps=tuple(render_step(step, category=category_name) for step in steps),
        outside_limits=outside_due,
        explanation_steps=tuple(steps),
    )


def _deductible_step(
    chosen: Decimal,
    first_8_hours_loss: Decimal | None,
    effective: Decimal,
    series_taken: Decimal,
    non_exempt: Decimal,
    deductible: Decimal,
) -> Step:
    still_open = max(effective - series_taken, ZERO)
    notes = []
    if first_8_hours_loss is not None:
        notes.append(Step("first_8_hours", {"loss": first_8_hours_loss, "chosen": chosen}))
    if effective and not still_open:
        notes.insert(0, Step("series_deductible_borne", {"effective": effective}))
        return Step("deductible_none", {}, tuple(notes))
    if series_taken:
        notes.append(
            Step("series_deductible_part", {"taken": series_taken, "effective": effective}))
    if still_open and not non_exempt:
        notes.insert(0, Step("nothing_subject_to_deductible"))
        return Step("deductible_none", {}, tuple(notes))
    if deductible < still_open:
        notes.append(Step("deductible_capped"))
    return Step("deductible_taken", {"deductible": deductible, "non_exempt": non_exempt},
                tuple(notes))


def _eur(value: Decimal) -> str:
    return f"{value:,.2f}"


def _namer(names: Mapping[str, str]):
    names = _mapping("category_names", names)
    return lambda code: names.get(code) or code


def _amount(field_name: str, value: object) -> Decimal:
    """A validated amount: a Decimal (or int) that is finite, not negative, in whole cents."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise SettlementInputError(field_name, gettext_noop("must be a Decimal, not %(type)s"),
                                   {"type": type(value).__name__})
    value = Decimal(value)
    if not value.is_finite():
        raise SettlementInputError(field_name, gettext_noop("not an amount: %(value)s"),
                                   {"value": str(value)})
    if value < 0:
        raise SettlementInputError(field_name, gettext_noop("must not be negative"))
    if value.as_tuple().exponent < -2:
        raise SettlementInputError(field_name, gettext_noop("more than 2 decimal places"))
    if value > MAX_AMOUNT:
        raise SettlementInputError(field_name, gettext_noop("more than %(max)s"),
                                   {"max": MAX_AMOUNT})
    return money(value)


def _mapping(field_name: str, value: object) -> Mapping:
    if not isinstance(value, Mapping):
        raise SettlementInputError(field_name,
                                   gettext_noop("must be a mapping of category codes"))
    for code in value:
        _category(field_name, code)
    return value


def _category(field_name: str, code: object) -> str:
    if not isinstance(code, str) or not code.strip():
        raise SettlementInputError(field_name, gettext_noop("must be a category code"))
    return code


def _first_8_hours_loss(terms: SettlementTerms) -> Decimal | None:
    rule = terms.deductible_rule
    if rule not in DEDUCTIBLE_RULES:
        expected = ", ".join(repr(r) for r in DEDUCTIBLE_RULES)
        raise SettlementInputError("deductible_rule",
                                   gettext_noop("unknown rule %(rule)s; known rules: %(expected)s"),
                                   {"rule": repr(rule), "expected": expected})
    if rule == STANDARD:
        if terms.first_8_hours_loss is not None:
            raise SettlementInputError(
                "first_8_hours_loss", gettext_noop("only used with deductible_rule %(rule)s"),
                {"rule": repr(FIRST_8_HOURS)})
        return None
    if terms.first_8_hours_loss is None:
        raise SettlementInputError(
            "first_8_hours_loss", gettext_noop("required with deductible_rule %(rule)s"),
            {"rule": repr(FIRST_8_HOURS)})
    return _amount("first_8_hours_loss", terms.first_8_hours_loss)


def _exempt(codes: object, name: str = "deductible_exempt") -> frozenset[str]:
    if isinstance(codes, str) or not isinstance(codes, frozenset | set | list | tuple):
        raise SettlementInputError(name, gettext_noop("must be a set of category codes"))
    return frozenset(_category(name, code) for code in codes)


def _claimed_by_category(lines: Sequence[CostLine]) -> dict[str, Decimal]:
    """The claimed amounts per category, in the order the categories first appear."""
    if isinstance(lines, str | bytes) or not isinstance(lines, Sequence):
        raise SettlementInputError("lines", gettext_noop("must be a list of cost lines"))
    claimed: dict[str, Decimal] = {}
    for index, line in enumerate(lines):
        code = _category(f"lines[{index}].category", getattr(line, "category", None))
        amount = _amount(f"lines[{index}].amount", getattr(line, "amount", None))
        claimed[code] = money(claimed.get(code, ZERO) + amount)
    return claimed
