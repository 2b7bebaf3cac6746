"""The settlement arithmetic (DOMAIN.md, 'Settlement arithmetic'): the worked examples, the rules
around them, and property tests against a small reference model in integer cents."""

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coverage.money import money
from coverage.settlement import (
    DEDUCTIBLE_RULES,
    CostLine,
    SettlementInputError,
    SettlementTerms,
    calculate_settlement,
)

BASE_DIR = Path(__file__).resolve().parents[2]
D = Decimal
SECURITY_ANALYSIS = "Security analysis and security improvements"


def cyber_terms(**overrides) -> SettlementTerms:
    values = {
        "sum_insured": D("100000.00"),
        "deductible": D("1000.00"),
        "deductible_exempt": frozenset({"emergency_assistance"}),
        "sublimits": {"security_analysis": D("2500.00")},
        "category_names": {"security_analysis": SECURITY_ANALYSIS},
    }
    return SettlementTerms(**(values | overrides))


def lines(**amounts: str) -> list[CostLine]:
    return [CostLine(category, D(amount)) for category, amount in amounts.items()]


def settle(terms, cost_lines, **committed):
    committed.setdefault("aggregate_committed", D("0.00"))
    committed.setdefault("claim_committed", D("0.00"))
    return calculate_settlement(terms, cost_lines, **committed)


# The four worked examples of DOMAIN.md.


def test_worked_example_sublimit_and_exempt_emergency_assistance_pays_11000():
    result = settle(
        cyber_terms(),
        lines(forensics="8000.00", security_analysis="4000.00", emergency_assistance="1500.00"),
    )
    assert result.covered == D("12000.00")
    assert result.uncovered == D("1500.00")
    assert result.deductible == D("1000.00")
    assert result.claim_total == D("11000.00")
    assert result.payable == D("11000.00")
    assert result.limited_by == ("sublimit",)
    assert (
        f"{SECURITY_ANALYSIS}: 4,000.00 claimed, sublimit 2,500.00, 1,500.00 not covered"
        in result.steps
    )
    assert "Deductible 1,000.00 taken from 10,500.00 of non-exempt costs" in result.steps
    assert result.steps[-1] == "Payable 11,000.00"


def test_worked_example_aggregate_almost_used_up_pays_only_what_is_left():
    result = settle(
        cyber_terms(sum_insured=D("500000.00")),
        lines(restoration="120000.00"),
        aggregate_committed=D("950000.00"),
    )
    assert result.claim_total == D("119000.00")
    assert result.due == D("119000.00")
    assert result.payable == D("50000.00")
    assert result.aggregate_remaining == D("0.00")
    assert result.limited_by == ("aggregate",)
    assert (
        "Aggregate: 50,000.00 left of 1,000,000.00 in this insurance year; 69,000.00 not payable"
        in result.steps
    )


@pytest.mark.parametrize(
    ("first_8_hours_loss", "deductible", "payable"),
    [("3200.00", "3200.00", "16800.00"), ("400.00", "1000.00", "19000.00")],
)
def test_worked_example_business_interruption_deductible_is_first_8_hours_at_least_chosen(
    first_8_hours_loss, deductible, payable
):
    terms = cyber_terms(
        deductible_rule="first_8_hours", first_8_hours_loss=D(first_8_hours_loss), sublimits={}
    )
    result = settle(terms, lines(interruption_loss="20000.00"))
    assert result.deductible == D(deductible)
    assert result.payable == D(payable)
    assert result.limited_by == ()
    assert any("loss of the first 8 hours" in step for step in result.steps)


def test_worked_example_claim_above_the_sum_insured_is_capped_per_loss():
    result = settle(cyber_terms(), lines(restoration="150000.00"))
    assert result.claim_total == D("100000.00")
    assert result.payable == D("100000.00")
    assert result.limited_by == ("per_loss",)
    assert any(
        s.startswith("Capped at the sum insured of 100,000.00 per loss") for s in result.steps
    )
    assert "149,000.00 after the deductible, 49,000.00 not covered" in result.steps[-3]


# The rules around the examples.


def test_nothing_in_limited_by_when_limits_are_reached_exactly_but_cut_nothing():
    result = settle(
        cyber_terms(sum_insured=D("3500.00")),
        lines(security_analysis="2500.00", forensics="2000.00"),
        aggregate_committed=D("3500.00"),
    )
    assert result.claim_total == D("3500.00")
    assert result.payable == D("3500.00")
    assert result.aggregate_remaining == D("0.00")
    assert result.limited_by == ()


def test_all_three_limits_are_named_when_all_three_cut():
    result = settle(
        cyber_terms(sum_insured=D("10000.00")),
        lines(security_analysis="3000.00", forensics="20000.00"),
        aggregate_committed=D("15000.00"),
    )
    assert result.limited_by == ("aggregate", "per_loss", "sublimit")
    assert result.payable == D("5000.00")


def test_deductible_is_never_more_than_the_non_exempt_costs():
    result = settle(cyber_terms(), lines(forensics="400.00", emergency_assistance="1500.00"))
    assert result.deductible == D("400.00")
    assert result.payable == D("1500.00")
    assert any("never more than the non-exempt costs" in step for step in result.steps)


def test_claim_of_only_exempt_emergency_assistance_bears_no_deductible():
    result = settle(cyber_terms(), lines(emergency_assistance="1500.00"))
    assert result.deductible == D("0.00")
    assert result.payable == D("1500.00")
    assert "emergency_assistance: 1,500.00 claimed, no deductible" in result.steps
    assert any(step.startswith("No deductible taken") for step in result.steps)


def test_deductible_counts_covered_costs_after_the_sublimit_not_the_claimed_ones():
    result = settle(cyber_terms(deductible=D("5000.00")), lines(security_analysis="9000.00"))
    assert result.deductible == D("2500.00")
    assert result.payable == D("0.00")


def test_second_claim_of_a_series_bears_only_the_rest_of_the_one_deductible():
    terms = cyber_terms()
    first = settle(terms, lines(forensics="600.00"))
    second = settle(
        terms,
        lines(forensics="5000.00"),
        series_deductible_taken=first.deductible,
        aggregate_committed=first.payable,
    )
    third = settle(
        terms,
        lines(forensics="2000.00"),
        series_deductible_taken=first.deductible + second.deductible,
        aggregate_committed=first.payable + second.payable,
    )
    assert (first.deductible, second.deductible, third.deductible) == (
        D("600.00"),
        D("400.00"),
        D("0.00"),
    )
    assert (first.payable, second.payable, third.payable) == (
        D("0.00"),
        D("4600.00"),
        D("2000.00"),
    )
    assert any("600.00 of 1,000.00 already borne by other claims" in s for s in second.steps)
    assert any(s.startswith("No deductible taken") for s in third.steps)


def test_a_series_shares_one_per_loss_limit():
    result = settle(
        cyber_terms(),
        lines(restoration="50000.00"),
        series_deductible_taken=D("1000.00"),
        series_paid_before=D("70000.00"),
        aggregate_committed=D("70000.00"),
    )
    assert result.claim_total == D("30000.00")
    assert result.limited_by == ("per_loss",)
    assert "70,000.00 of it already used by other claims of the series" in result.steps[-3]


def test_a_series_shares_the_sublimits_of_its_one_loss_event():
    result = settle(
        cyber_terms(),
        lines(security_analysis="2000.00"),
        series_deductible_taken=D("1000.00"),
        series_sublimit_used={"security_analysis": D("1500.00")},
    )
    assert result.covered == D("1000.00")
    assert result.uncovered == D("1000.00")
    assert result.limited_by == ("sublimit",)


def test_resettling_after_a_commitment_pays_only_the_difference():
    terms = cyber_terms()
    first = settle(terms, lines(forensics="8000.00"))
    assert first.payable == D("7000.00")
    more = lines(forensics="8000.00") + lines(restoration="2500.00")
    again = settle(terms, more, claim_committed=first.payable, aggregate_committed=first.payable)
    assert again.claim_total == D("9500.00")
    assert again.due == D("2500.00")
    assert again.payable == D("2500.00")
    assert again.aggregate_remaining == D("200000.00") - D("9500.00")
    assert "Already committed on this claim 7,000.00; due 2,500.00" in again.steps


def test_resettling_unchanged_or_lower_pays_nothing_more():
    terms = cyber_terms()
    unchanged = settle(
        terms,
        lines(forensics="8000.00"),
        claim_committed=D("7000.00"),
        aggregate_committed=D("7000.00"),
    )
    lower = settle(
        terms,
        lines(forensics="5000.00"),
        claim_committed=D("7000.00"),
        aggregate_committed=D("7000.00"),
    )
    assert (unchanged.due, unchanged.payable) == (D("0.00"), D("0.00"))
    assert (lower.due, lower.payable) == (D("0.00"), D("0.00"))


def test_per_category_breakdown_sums_lines_of_one_category_in_order_of_appearance():
    cost_lines = [
        CostLine("security_analysis", D("1500.00")),
        CostLine("forensics", D("100.00")),
        CostLine("security_analysis", D("1500.00")),
    ]
    result = settle(cyber_terms(), cost_lines)
    assert [c.category for c in result.categories] == ["security_analysis", "forensics"]
    analysis = result.categories[0]
    assert (analysis.claimed, analysis.covered, analysis.uncovered, analysis.sublimit) == (
        D("3000.00"),
        D("2500.00"),
        D("500.00"),
        D("2500.00"),
    )
    assert result.categories[1].sublimit is None


def test_no_lines_settle_to_nothing():
    result = settle(cyber_terms(), [])
    assert (result.covered, result.deductible, result.payable) == (D("0.00"),) * 3


def test_to_dict_gives_the_preview_output_with_two_place_strings():
    result = settle(cyber_terms(), lines(forensics="8000"))
    assert result.to_dict() == {
        "covered": "8000.00",
        "uncovered": "0.00",
        "deductible": "1000.00",
        "claim_total": "7000.00",
        "due": "7000.00",
        "payable": "7000.00",
        "aggregate_remaining": "193000.00",
        "limited_by": [],
    }


# Rounding: amounts are whole cents, so no step can make fractions; none is rounded silently.


def test_every_amount_comes_out_with_exactly_two_places():
    result = settle(
        cyber_terms(sum_insured=100000, deductible=D("1E+3"), sublimits={}),
        [CostLine("forensics", 8000), CostLine("restoration", D("0.5"))],
        aggregate_committed=0,
        claim_committed=D("0"),
    )
    amounts = [result.covered, result.deductible, result.claim_total, result.payable]
    assert [a.as_tuple().exponent for a in amounts] == [-2] * 4
    assert result.payable == D("7000.50")


def test_fractions_of_a_cent_are_refused_not_rounded():
    with pytest.raises(SettlementInputError) as error:
        settle(cyber_terms(), lines(forensics="100.005"))
    assert str(error.value) == "lines[0].amount: more than 2 decimal places"


def test_the_quantization_used_at_each_step_rounds_half_up():
    assert money(D("2.675")) == D("2.68")
    assert money(D("0.005")) == D("0.01")
    assert money(D("0.004")) == D("0.00")


# Invalid input names the field.


@pytest.mark.parametrize(
    ("terms", "cost_lines", "field", "message"),
    [
        (cyber_terms(), lines(forensics="-1.00"), "lines[0].amount", "must not be negative"),
        (
            cyber_terms(),
            [CostLine("forensics", D("1")), CostLine("forensics", D("1.001"))],
            "lines[1].amount",
            "more than 2 decimal places",
        ),
        (cyber_terms(), [CostLine("forensics", 1.5)], "lines[0].amount", "must be a Decimal"),
        (cyber_terms(), [CostLine("forensics", True)], "lines[0].amount", "must be a Decimal"),
        (cyber_terms(), [CostLine("", D("1"))], "lines[0].category", "must be a category code"),
        (cyber_terms(), [CostLine("forensics", D("NaN"))], "lines[0].amount", "not an amount"),
        (cyber_terms(deductible_rule="hourly"), [], "deductible_rule", "unknown rule 'hourly'"),
        (
            cyber_terms(deductible_rule="first_8_hours"),
            [],
            "first_8_hours_loss",
            "required with deductible_rule 'first_8_hours'",
        ),
        (
            cyber_terms(first_8_hours_loss=D("3200.00")),
            [],
            "first_8_hours_loss",
            "only used with deductible_rule 'first_8_hours'",
        ),
        (cyber_terms(sum_insured=D("0.00")), [], "sum_insured", "must be more than 0.00"),
        (cyber_terms(deductible=D("-5")), [], "deductible", "must not be negative"),
        (cyber_terms(aggregate_factor=0), [], "aggregate_factor", "must be from 1 to"),
        (
            cyber_terms(sublimits={"security_analysis": D("2500.001")}),
            [],
            "sublimits.security_analysis",
            "more than 2 decimal places",
        ),
        (
            cyber_terms(deductible_exempt="emergency_assistance"),
            [],
            "deductible_exempt",
            "must be a set of category codes",
        ),
        (
            cyber_terms(sum_insured=D("1000000000000.00")),
            [],
            "sum_insured",
            "more than 999,999,999,999.99",
        ),
    ],
)
def test_invalid_input_names_the_field(terms, cost_lines, field, message):
    with pytest.raises(SettlementInputError) as error:
        settle(terms, cost_lines)
    assert error.value.field == field
    assert message in error.value.message
    assert str(error.value).startswith(f"{field}: ")


@pytest.mark.parametrize(
    "committed",
    [
        {"aggregate_committed": D("-1.00")},
        {"claim_committed": D("0.001")},
        {"series_deductible_taken": D("-0.01")},
        {"series_paid_before": 1.0},
    ],
)
def test_invalid_committed_amounts_name_the_field(committed):
    with pytest.raises(SettlementInputError) as error:
        settle(cyber_terms(), [], **committed)
    assert error.value.field == next(iter(committed))


def test_rules_are_the_catalogues_deductible_rules():
    from coverage.models import DeductibleRule

    assert set(DEDUCTIBLE_RULES) == set(DeductibleRule.values)


def test_the_settlement_module_is_free_of_django():
    code = "import sys, coverage.settlement; print(sorted(m for m in sys.modules if 'django' in m))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


# Properties against a reference model that counts in integer cents.

CATEGORIES = ["emergency_assistance", "forensics", "security_analysis", "interruption_loss"]
cents = st.integers(min_value=0, max_value=30_000_000)


def to_eur(amount_in_cents: int) -> Decimal:
    return Decimal(amount_in_cents).scaleb(-2)


def reference(case: dict, *, taken: int = 0, paid_before: int = 0, sublimit_used=None) -> dict:
    sublimit_used = sublimit_used or {}
    claimed: dict[str, int] = {}
    for category, amount in case["lines"]:
        claimed[category] = claimed.get(category, 0) + amount
    covered = {}
    for category, amount in claimed.items():
        sublimit = case["sublimits"].get(category)
        if sublimit is None:
            covered[category] = amount
        else:
            covered[category] = min(amount, max(sublimit - sublimit_used.get(category, 0), 0))
    effective = case["deductible"]
    if case["first_8_hours_loss"] is not None:
        effective = max(effective, case["first_8_hours_loss"])
    non_exempt = sum(v for c, v in covered.items() if c not in case["exempt"])
    deductible = min(max(effective - taken, 0), non_exempt)
    total_covered = sum(covered.values())
    claim_total = min(total_covered - deductible, max(case["sum_insured"] - paid_before, 0))
    due = max(claim_total - case["claim_committed"], 0)
    left = max(case["sum_insured"] * case["factor"] - case["aggregate_committed"], 0)
    payable = min(due, left)
    return {
        "claimed": sum(claimed.values()),
        "covered": total_covered,
        "deductible": deductible,
        "claim_total": claim_total,
        "due": due,
        "aggregate_left": left,
        "payable": payable,
        "aggregate_remaining": left - payable,
        "category_covered": covered,
    }


@st.composite
def settlement_cases(draw) -> dict:
    sum_insured = draw(
        st.one_of(
            st.sampled_from([10_000_000, 25_000_000, 50_000_000, 75_000_000, 100_000_000]),
            st.integers(min_value=1, max_value=5_000_000),
        )
    )
    factor = draw(st.integers(min_value=1, max_value=3))
    bi = draw(st.booleans())
    return {
        "sum_insured": sum_insured,
        "factor": factor,
        "deductible": draw(st.sampled_from([0, 50_000, 100_000, 250_000, 500_000])),
        "first_8_hours_loss": draw(st.integers(0, 2_000_000)) if bi else None,
        "exempt": frozenset(draw(st.lists(st.sampled_from(CATEGORIES), max_size=2))),
        "sublimits": draw(st.dictionaries(st.sampled_from(CATEGORIES), cents, max_size=3)),
        "lines": draw(st.lists(st.tuples(st.sampled_from(CATEGORIES), cents), max_size=6)),
        "aggregate_committed": draw(st.integers(0, sum_insured * factor + 1_000_000)),
        "claim_committed": draw(st.integers(0, sum_insured)),
    }


def terms_of(case: dict) -> SettlementTerms:
    loss = case["first_8_hours_loss"]
    return SettlementTerms(
        sum_insured=to_eur(case["sum_insured"]),
        aggregate_factor=case["factor"],
        deductible=to_eur(case["deductible"]),
        deductible_rule="standard" if loss is None else "first_8_hours",
        first_8_hours_loss=None if loss is None else to_eur(loss),
        deductible_exempt=case["exempt"],
        sublimits={code: to_eur(limit) for code, limit in case["sublimits"].items()},
    )


def lines_of(case: dict, key: str = "lines") -> list[CostLine]:
    return [CostLine(category, to_eur(amount)) for category, amount in case[key]]


@settings(max_examples=200, deadline=None)
@given(settlement_cases())
def test_settlement_matches_the_reference_model_and_its_invariants(case):
    result = calculate_settlement(
        terms_of(case),
        lines_of(case),
        aggregate_committed=to_eur(case["aggregate_committed"]),
        claim_committed=to_eur(case["claim_committed"]),
    )
    expected = reference(case)
    for name in ["claimed", "covered", "deductible", "claim_total", "due", "payable"]:
        assert getattr(result, name) == to_eur(expected[name]), name
    assert result.aggregate_left == to_eur(expected["aggregate_left"])
    assert result.aggregate_remaining == to_eur(expected["aggregate_remaining"])
    assert {c.category: c.covered for c in result.categories} == {
        code: to_eur(v) for code, v in expected["category_covered"].items()
    }

    assert D("0.00") <= result.payable <= result.due
    assert result.payable <= result.aggregate_left
    assert result.claim_total <= to_eur(case["sum_insured"])
    assert result.covered + result.uncovered == result.claimed
    assert result.payable + result.aggregate_remaining == result.aggregate_left
    assert result.deductible <= result.deductible_effective
    assert ("aggregate" in result.limited_by) == (result.payable < result.due)
    assert ("per_loss" in result.limited_by) == (
        result.claim_total < result.covered - result.deductible
    )
    assert ("sublimit" in result.limited_by) == (result.uncovered > 0)
    assert all(c.covered + c.uncovered == c.claimed for c in result.categories)
    assert {money(a) == a for a in [result.payable, result.aggregate_remaining]} == {True}


@settings(max_examples=200, deadline=None)
@given(
    settlement_cases(),
    st.lists(
        st.lists(st.tuples(st.sampled_from(CATEGORIES), cents), max_size=4), min_size=1, max_size=4
    ),
)
def test_a_series_bears_one_deductible_one_per_loss_limit_and_one_set_of_sublimits(
    case, series_lines
):
    terms = terms_of(case)
    start = to_eur(case["aggregate_committed"])
    taken = paid = D("0.00")
    committed = start
    sublimit_used: dict[str, Decimal] = {}
    for claim_lines in series_lines:
        result = calculate_settlement(
            terms,
            [CostLine(category, to_eur(amount)) for category, amount in claim_lines],
            aggregate_committed=committed,
            claim_committed=D("0.00"),
            series_deductible_taken=taken,
            series_paid_before=paid,
            series_sublimit_used=sublimit_used,
        )
        assert result.payable >= 0
        taken += result.deductible
        paid += result.claim_total
        committed += result.payable
        for category in result.categories:
            used = sublimit_used.get(category.category, D("0.00"))
            sublimit_used[category.category] = used + category.covered

    assert taken <= result.deductible_effective
    assert paid <= terms.sum_insured
    assert committed - start <= max(terms.sum_insured * terms.aggregate_factor - start, 0)
    for category, limit in terms.sublimits.items():
        assert sublimit_used.get(category, D("0.00")) <= limit

    # Splitting one loss event into a series changes nothing: it settles like one claim.
    one_claim = calculate_settlement(
        terms,
        [CostLine(c, to_eur(amount)) for claim_lines in series_lines for c, amount in claim_lines],
        aggregate_committed=start,
        claim_committed=D("0.00"),
    )
    assert (taken, paid) == (one_claim.deductible, one_claim.claim_total)
    assert committed - start == one_claim.payable
