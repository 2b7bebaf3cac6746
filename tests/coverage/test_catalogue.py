"""The catalogue loaded by the migrations carries the seeds' numbers (DOMAIN.md)."""

from decimal import Decimal

import pytest

from coverage.models import (
    CostCategory,
    DeductibleOption,
    DeductibleRule,
    LossType,
    Module,
    ModuleCostCategory,
    Product,
    RateCell,
    SumInsuredOption,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_cyber_sums_insured_are_the_five_of_the_seed():
    amounts = list(
        SumInsuredOption.objects.filter(product__code="cyber").values_list("amount", flat=True)
    )
    assert amounts == [D("100000"), D("250000"), D("500000"), D("750000"), D("1000000")]


def test_deductibles_and_their_premium_factors():
    options = {
        option.amount: (option.premium_factor, option.is_default)
        for option in DeductibleOption.objects.filter(product__code="cyber")
    }
    assert options == {
        D("500"): (D("1.05"), False),
        D("1000"): (D("1.00"), True),
        D("2500"): (D("0.90"), False),
        D("5000"): (D("0.85"), False),
    }


@pytest.mark.parametrize(
    ("module", "category", "sublimit"),
    [
        ("cyber_own_damage", "security_analysis", D("2500.00")),
        ("cyber_bi", "additional_tax", D("100000.00")),
        ("cyber_bi", "cloud_advance", D("500000.00")),
    ],
)
def test_sublimits_per_loss_event(module, category, sublimit):
    link = ModuleCostCategory.objects.get(module__code=module, category__code=category)
    assert link.sublimit == sublimit


def test_other_categories_have_no_sublimit():
    with_sublimit = ModuleCostCategory.objects.filter(sublimit__isnull=False).count()
    assert with_sublimit == 3


def test_emergency_assistance_is_the_only_category_without_deductible():
    exempt = list(
        CostCategory.objects.filter(deductible_exempt=True).values_list("code", flat=True)
    )
    assert exempt == ["emergency_assistance"]


def test_business_interruption_deductible_is_the_first_8_hours_at_least_the_chosen():
    rules = dict(Module.objects.values_list("code", "deductible_rule"))
    assert rules.pop("cyber_bi") == DeductibleRule.FIRST_8_HOURS
    assert set(rules.values()) == {DeductibleRule.STANDARD}


@pytest.mark.parametrize("code", ["cyber", "it_liability"])
def test_every_sum_insured_is_twice_maximised(code):
    assert Product.objects.get(code=code).aggregate_factor == 2


def test_cyber_discounts_it_security_10_percent_two_years_and_multi_year_10_percent():
    cyber = Product.objects.get(code="cyber")
    assert cyber.it_security_discount == D("0.10")
    assert cyber.it_security_discount_years == 2
    assert (cyber.multi_year_term, cyber.multi_year_discount) == (3, D("0.10"))
    assert cyber.policy_number_prefix == "CY"
    assert Product.objects.get(code="it_liability").policy_number_prefix == "IT"


def test_the_seed_rate_cell_is_180():
    cell = RateCell.objects.get(
        module__code="cyber_own_damage", revenue_band__lower=0, sum_insured=D("100000")
    )
    assert cell.revenue_band.upper == D("100000.00")
    assert cell.annual_premium == D("180.00")


def test_add_ons_require_their_products_base_module():
    requires = dict(
        Module.objects.filter(kind=Module.Kind.ADDON).values_list("code", "requires__code")
    )
    assert requires == {
        "itl_dcd": "itl_base",
        "itl_rpc": "itl_base",
        "cyber_bi": "cyber_own_damage",
        "cyber_liability": "cyber_own_damage",
    }


def test_ransomware_is_covered_by_own_damage_and_business_interruption_modules():
    modules = set(LossType.objects.get(code="ransomware").modules.values_list("code", flat=True))
    assert modules == {"itl_dcd", "cyber_own_damage", "cyber_bi"}


def test_module_clean_keeps_add_ons_on_a_base_module_of_their_product():
    from django.core.exceptions import ValidationError

    rpc = Module.objects.get(code="itl_rpc")
    rpc.requires = Module.objects.get(code="cyber_own_damage")
    with pytest.raises(ValidationError, match="same product"):
        rpc.full_clean()
    rpc.requires = None
    with pytest.raises(ValidationError, match="needs the base module"):
        rpc.full_clean()
    base = Module.objects.get(code="itl_base")
    base.requires = Module.objects.get(code="itl_dcd")
    with pytest.raises(ValidationError, match="does not require"):
        base.full_clean()


def test_revenue_band_clean_refuses_an_upper_bound_below_the_lower():
    from django.core.exceptions import ValidationError

    from coverage.models import RevenueBand

    band = RevenueBand(product=Product.objects.get(code="cyber"), lower=D("10"), upper=D("5"))
    with pytest.raises(ValidationError, match="upper bound"):
        band.full_clean()
