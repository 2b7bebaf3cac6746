"""Premium quotes from the rate table: the seed's minimum premium and each factor."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coverage.models import RateCell
from coverage.premium import QuoteError, premium_years, quote_premium

D = Decimal


def quote(product, **overrides):
    request = {
        "revenue": "80000",
        "sum_insured": "100000",
        "addons": [],
        "deductible": "1000",
        "term_years": 1,
        "it_security_discount": False,
        **overrides,
    }
    return quote_premium(product=product, **request)


def premiums(result):
    return [item.premium for item in result.years]


def test_seed_minimum_premium_is_145_80_in_the_discounted_years(cyber):
    result = quote(cyber, term_years=3, it_security_discount=True)
    assert premiums(result) == [D("145.80"), D("145.80"), D("162.00")]
    assert result.total == D("453.60")
    assert result.annual_base == D("180.00")


def test_one_year_term_has_no_multi_year_discount(cyber):
    assert premiums(quote(cyber)) == [D("180.00")]
    assert premiums(quote(cyber, it_security_discount=True)) == [D("162.00")]


def test_three_year_term_takes_10_percent_off_every_year(cyber):
    result = quote(cyber, term_years=3)
    assert premiums(result) == [D("162.00")] * 3
    assert result.total == D("486.00")


@pytest.mark.parametrize(
    ("deductible", "premium"),
    [("500", D("189.00")), ("1000", D("180.00")), ("2500", D("162.00")), ("5000", D("153.00"))],
)
def test_each_deductible_changes_the_premium_by_its_factor(cyber, deductible, premium):
    assert premiums(quote(cyber, deductible=deductible)) == [premium]


def test_add_ons_add_their_rate_cells(cyber):
    result = quote(cyber, addons=["cyber_bi", "cyber_liability"])
    assert result.annual_base == D("180.00") + D("63.00") + D("54.00")
    assert premiums(result) == [D("297.00")]


def test_all_factors_multiply_and_round_half_up_per_year(cyber):
    result = quote(
        cyber, addons=["cyber_bi"], deductible="500", term_years=3, it_security_discount=True
    )
    # 243.00 x 1.05 = 255.15; x 0.9 x 0.9 = 206.6715 -> 206.67; x 0.9 = 229.635 -> 229.64
    assert premiums(result) == [D("206.67"), D("206.67"), D("229.64")]
    assert result.total == D("642.98")


def test_revenue_band_and_sum_insured_pick_the_cell(cyber):
    cell = RateCell.objects.get(
        module__code="cyber_own_damage",
        revenue_band__lower=D("250000.01"),
        sum_insured=D("500000"),
    )
    assert premiums(quote(cyber, revenue="300000", sum_insured="500000")) == [cell.annual_premium]


def test_revenue_band_upper_bound_is_inclusive(cyber):
    assert quote(cyber, revenue="100000").annual_base == D("180.00")
    assert quote(cyber, revenue="100000.01").annual_base > D("180.00")


def test_it_liability_with_dcd_and_rpc(it_liability):
    result = quote(it_liability, sum_insured="250000", addons=["itl_dcd", "itl_rpc"])
    # 300.00 + 40 % + 25 %
    assert premiums(result) == [D("495.00")]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"revenue": "lots"}, "revenue"),
        ({"revenue": "-1"}, "revenue"),
        ({"sum_insured": "200000"}, "sum_insured"),
        ({"deductible": "750"}, "deductible"),
        ({"addons": ["cyber_gold"]}, "addons"),
        ({"addons": ["itl_dcd"]}, "addons"),
        ({"addons": ["cyber_own_damage"]}, "addons"),
        ({"addons": ["cyber_bi", "cyber_bi"]}, "addons"),
        ({"term_years": 2}, "term_years"),
        ({"term_years": True}, "term_years"),
        ({"it_security_discount": "yes"}, "it_security_discount"),
    ],
)
def test_invalid_input_names_the_field(cyber, overrides, field):
    with pytest.raises(QuoteError) as error:
        quote(cyber, **overrides)
    assert error.value.field == field
    assert str(error.value).startswith(f"{field}: ")


def test_floats_are_refused(cyber):
    with pytest.raises(QuoteError, match="revenue"):
        quote(cyber, revenue=80000.0)


def test_it_security_discount_is_not_offered_for_it_liability(it_liability):
    with pytest.raises(QuoteError, match="it_security_discount"):
        quote(it_liability, sum_insured="250000", it_security_discount=True)


def reference_premium(base, factor, year, term, discount) -> Decimal:
    """A small reference model: exact fractions, then half-up to cents."""
    exact = Fraction(base) * Fraction(factor)
    if discount and year <= 2:
        exact *= Fraction(9, 10)
    if term == 3:
        exact *= Fraction(9, 10)
    cents = exact * 100
    whole = int(cents)
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return D(whole) / 100


@given(
    base=st.decimals(min_value=D("1.00"), max_value=D("100000.00"), places=2),
    factor=st.sampled_from([D("1.05"), D("1.00"), D("0.90"), D("0.85")]),
    term=st.sampled_from([1, 3]),
    discount=st.booleans(),
)
def test_premium_years_match_the_reference_model(base, factor, term, discount):
    years = premium_years(
        annual_base=base,
        deductible_factor=factor,
        term_years=term,
        it_security_discount=D("0.10") if discount else D("0"),
        it_security_discount_years=2,
        multi_year_term=3,
        multi_year_discount=D("0.10"),
    )
    assert years == [
        reference_premium(base, factor, year, term, discount) for year in range(1, term + 1)
    ]
    assert all(premium == premium.quantize(D("0.01")) for premium in years)


# --- Money v2: the floor, the industry, the 1 January expiry ---------------------------------

from datetime import date  # noqa: E402

from hypothesis import HealthCheck, settings  # noqa: E402

from coverage.models import DeductibleOption, Module, RevenueBand, SumInsuredOption  # noqa: E402

MINIMUM = D("145.80")


def test_the_seeds_cheapest_combination_with_deductible_5000_stays_at_the_floor(cyber):
    result = quote(cyber, deductible="5000", term_years=3, it_security_discount=True)
    # 180.00 x 0.85 x 0.9 x 0.9 = 123.93 and 180.00 x 0.85 x 0.9 = 137.70 before the floor
    assert premiums(result) == [MINIMUM, MINIMUM, MINIMUM]


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_cyber_quote_goes_below_the_minimum_premium(cyber, data):
    band = data.draw(st.sampled_from(list(RevenueBand.objects.filter(product=cyber))))
    revenue = band.lower if band.upper is None else data.draw(
        st.sampled_from([band.lower, band.upper]))
    sums = list(SumInsuredOption.objects.filter(product=cyber).values_list("amount", flat=True))
    deductibles = list(DeductibleOption.objects.filter(product=cyber).values_list("amount",
                                                                                  flat=True))
    addons = list(Module.objects.filter(product=cyber, kind="addon").values_list("code",
                                                                                 flat=True))
    start = data.draw(st.dates(min_value=date(2025, 1, 1), max_value=date(2030, 12, 31)))
    result = quote(
        cyber, revenue=str(revenue), sum_insured=str(data.draw(st.sampled_from(sums))),
        deductible=str(data.draw(st.sampled_from(deductibles))),
        addons=data.draw(st.lists(st.sampled_from(addons), unique=True)),
        term_years=data.draw(st.sampled_from([1, 3])),
        it_security_discount=data.draw(st.booleans()),
        expiry_january_first=data.draw(st.booleans()), start_date=start,
    )
    assert all(premium >= MINIMUM for premium in premiums(result))


@pytest.mark.parametrize(("industry", "unattended", "words"), [
    ("manufacturing", True, "unattended automated production is not sold"),
    ("financial_advice", False, "separate application form"),
])
def test_industries_the_seed_excludes_are_refused_with_its_reason(cyber, industry, unattended,
                                                                   words):
    with pytest.raises(QuoteError, match=words) as error:
        quote(cyber, industry=industry, unattended_automated_production=unattended)
    assert error.value.field == "industry"
    assert premiums(quote(cyber, industry="manufacturing")) == [D("180.00")]


def test_an_expiry_moved_to_1_january_makes_a_short_first_year(cyber):
    result = quote(cyber, term_years=3, expiry_january_first=True,
                   start_date=date(2026, 7, 2))  # 183 of 365 days in the first year
    assert result.expiry_date == date(2029, 1, 1)
    # 162.00 x 183/365 = 81.22 pro rata, held at the floor
    assert premiums(result) == [MINIMUM, D("162.00"), D("162.00")]
    longer = quote(cyber, term_years=1, expiry_january_first=True, start_date=date(2026, 2, 1),
                   addons=["cyber_bi"], sum_insured="500000")
    assert longer.expiry_date == date(2027, 1, 1)
    assert premiums(longer)[0] > MINIMUM


def test_the_quote_api_holds_the_floor_and_refuses_an_excluded_industry(db):
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    client = APIClient()
    client.force_login(UserFactory(username="prospect"))
    body = {"product": "cyber", "revenue": "80000", "sum_insured": "100000",
            "deductible": "5000", "term_years": 3, "it_security_discount": True,
            "expiry_january_first": True, "start_date": "2026-07-02"}
    response = client.post("/api/premium-quote/", body, format="json")
    assert response.status_code == 200, response.content
    assert [row["premium"] for row in response.json()["years"]] == ["145.80"] * 3
    assert response.json()["expiry_date"] == "2029-01-01"
    refused = client.post("/api/premium-quote/", {**body, "industry": "financial_advice"},
                          format="json")
    assert refused.status_code == 400
    assert "separate application form" in refused.json()["error"]["fields"]["industry"][0]
