"""Defence and checks at the insurer's cost: no deductible, and where the catalogue says they do
not erode the sum insured, paid on top of it and of the annual aggregate."""

from decimal import Decimal

from coverage.settlement import CostLine, SettlementTerms, calculate_settlement

D = Decimal


def terms(**overrides) -> SettlementTerms:
    return SettlementTerms(**{"sum_insured": D("100000.00"), "deductible": D("1000.00"),
                              "deductible_exempt": frozenset({"defence_costs"}), **overrides})


def settle(terms_, *cost_lines, **kwargs):
    kwargs.setdefault("aggregate_committed", D("0"))
    kwargs.setdefault("claim_committed", D("0"))
    return calculate_settlement(terms_, [CostLine(c, D(a)) for c, a in cost_lines], **kwargs)


def test_defence_costs_bear_no_deductible_and_erode_the_sum_insured_by_default():
    result = settle(terms(), ("defence_costs", "4300.00"))
    assert (result.deductible, result.payable, result.outside_limits) == (
        D("0.00"), D("4300.00"), D("0.00"))
    capped = settle(terms(), ("defence_costs", "4300.00"), ("damages", "100000.00"))
    assert capped.payable == D("100000.00")  # 99,000 + 4,300 capped at the sum insured


def test_defence_costs_outside_the_sum_insured_are_paid_on_top_of_the_cap_and_aggregate():
    outside = terms(outside_limits=frozenset({"defence_costs"}))
    result = settle(outside, ("defence_costs", "4300.00"), ("damages", "150000.00"))
    assert result.limited_by == ("per_loss",)
    assert (result.payable, result.outside_limits, result.committing) == (
        D("104300.00"), D("4300.00"), D("100000.00"))
    exhausted = settle(outside, ("defence_costs", "4300.00"),
                       aggregate_committed=D("200000.00"))
    assert (exhausted.payable, exhausted.committing) == (D("4300.00"), D("0.00"))
    again = settle(outside, ("defence_costs", "4300.00"), outside_paid_before=D("4300.00"))
    assert again.payable == D("0.00")
