"""A sold policy's premium per insurance year: quoted from the rate table at the sale, and
changed when the policy loses the IT-security discount (from a given insurance year on)."""

from __future__ import annotations

from decimal import Decimal

from coverage.models import Module
from coverage.money import ZERO, money
from coverage.premium import QuoteError, quote_premium

from .models import Policy, PolicyPremium


def _quote(policy: Policy, *, it_security_discount: bool):
    sections = list(policy.sections.select_related("module"))
    base = next((s for s in sections if s.module.kind == Module.Kind.BASE), None)
    if base is None:
        return None
    january = (policy.expiry_date.month, policy.expiry_date.day) == (1, 1) and (
        policy.start_date.month, policy.start_date.day) != (1, 1)
    try:
        return quote_premium(
            product=policy.product, revenue=policy.policyholder.annual_revenue,
            sum_insured=base.sum_insured,
            addons=[s.module.code for s in sections if s.module.kind == Module.Kind.ADDON],
            deductible=policy.deductible, term_years=policy.term_years,
            it_security_discount=it_security_discount, expiry_january_first=january,
            start_date=policy.start_date,
        )
    except QuoteError:  # sold on an individual offer: no premium from the rate table
        return None


def policy_premiums_store(*, policy: Policy) -> list[PolicyPremium]:
    """Store the premium of every insurance year (inside the sale's transaction)."""
    quote = _quote(policy, it_security_discount=policy.it_security_discount)
    if quote is None:
        return []
    discount_years = policy.product.it_security_discount_years
    years = {item.year: item.premium for item in quote.years}
    return [
        PolicyPremium.objects.create(
            policy=policy, year=year, starts_on=starts_on, ends_on=ends_on,
            premium=years[year],
            it_security_discount=policy.it_security_discount and year <= discount_years,
        )
        for year, starts_on, ends_on in policy.insurance_years()
        if year in years
    ]


def premium_discount_remove(*, policy: Policy, from_year: int, reason: str) -> Decimal:
    """Take the IT-security discount out of the premiums from insurance year ``from_year`` on;
    returns the premium difference (what the policyholder pays more). Inside the caller's
    transaction (the caller writes the audit row)."""
    quote = _quote(policy, it_security_discount=False)
    if quote is None:
        return ZERO
    without = {item.year: item.premium for item in quote.years}
    difference = ZERO
    for row in PolicyPremium.objects.select_for_update().filter(
        policy=policy, year__gte=from_year, it_security_discount=True
    ):
        new = without.get(row.year, row.premium)
        difference += new - row.premium
        row.premium, row.it_security_discount = new, False
        row.change_reason = reason
        row.save(update_fields=["premium", "it_security_discount", "change_reason"])
    return money(difference)
