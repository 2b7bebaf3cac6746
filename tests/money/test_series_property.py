"""Property: over any series of claims (one loss event), settled one after the other through the
services, the deductible is taken once in all, and the series shares the sublimits and the
per-loss limit, as a small reference model of the whole loss says."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claims.money.models import Settlement
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from claims.services import claim_series_link
from tests.factories import category, claim_in_settlement, make_policy

D = Decimal
SUM_INSURED = D("100000.00")
DEDUCTIBLE = D("1000.00")
SUBLIMIT = {"security_analysis": D("2500.00")}
EXEMPT = {"emergency_assistance"}
CODES = ["emergency_assistance", "forensics", "security_analysis", "restoration"]

amounts = st.decimals(min_value=D("0.01"), max_value=D("60000.00"), places=2)
claim_lines = st.lists(st.tuples(st.sampled_from(CODES), amounts), min_size=1, max_size=3)


def reference(series: list[list[tuple[str, Decimal]]]) -> tuple[Decimal, Decimal]:
    """(deductible, payable) of the whole loss event, as if it were one claim."""
    claimed: dict[str, Decimal] = {}
    for lines in series:
        for code, amount in lines:
            claimed[code] = claimed.get(code, D("0")) + amount
    covered = {code: min(amount, SUBLIMIT.get(code, amount)) for code, amount in claimed.items()}
    non_exempt = sum((a for code, a in covered.items() if code not in EXEMPT), D("0"))
    deductible = min(DEDUCTIBLE, non_exempt)
    return deductible, min(sum(covered.values(), D("0")) - deductible, SUM_INSURED)


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(series=st.lists(claim_lines, min_size=2, max_size=4))
def test_the_deductible_is_taken_once_per_series(series, holder, holder_user, adjuster, chief):
    policy = make_policy(holder=holder, product="cyber", created_by=chief,
                         sections={"cyber_own_damage": "100000"})
    claims = [claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster)
              for _ in series]
    claim_series_link(claims=claims, cause="One ransomware attack", by=adjuster)
    for claim, lines in zip(claims, series, strict=True):
        claim.refresh_from_db()
        for code, amount in lines:
            cost_line_add(claim=claim, category=category(code), amount=amount,
                          payee_kind="policyholder", by=adjuster)
        settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=chief)

    decided = Settlement.objects.filter(claim__in=claims)
    taken = sum((s.deductible_taken for s in decided), D("0"))  # refusals for nothing due too
    paid = sum((s.approved_amount or D("0") for s in decided), D("0"))
    deductible, payable = reference(series)
    assert taken == deductible <= DEDUCTIBLE
    assert paid == payable
    refused = Settlement.objects.filter(claim__in=claims, state="refused")
    assert all("Nothing is due" in s.refusal_reason for s in refused)
