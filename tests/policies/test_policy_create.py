"""Selling a policy: the rules it must meet, its sections and its insurance-year accounts."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from config.models import AuditEntry
from policies.models import CoverageSection, Industry, InsuranceYearAccount, Policy
from policies.services import policy_create
from tests.factories import PolicyFactory, PolicyholderFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


def sell(product, **overrides):
    arguments = {
        "policyholder": PolicyholderFactory(),
        "product": product,
        "start_date": date(2026, 1, 1),
        "term_years": 1,
        "deductible": D("1000"),
        "sections": {"cyber_own_damage": D("100000")} if product.code == "cyber"
        else {"itl_base": D("250000")},
        "created_by": None,
        **overrides,
    }
    return policy_create(**arguments)


def refused(product, field, **overrides) -> str:
    """Selling with ``overrides`` is refused on ``field``; returns the message."""
    with pytest.raises(ValidationError) as error:
        sell(product, **overrides)
    assert field in error.value.message_dict, error.value.message_dict
    assert not Policy.objects.exists()
    return " ".join(error.value.message_dict[field])


def test_a_one_year_policy_gets_a_section_and_an_account_of_twice_the_sum_insured(cyber):
    policy = sell(cyber, deductible=D("2500"))
    section = policy.sections.get()
    assert (section.module.code, section.sum_insured) == ("cyber_own_damage", D("100000"))
    assert (section.aggregate_factor, section.deductible) == (2, D("2500"))
    account = section.accounts.get()
    assert (account.year, account.starts_on, account.ends_on) == (
        1, date(2026, 1, 1), date(2027, 1, 1)
    )
    assert (account.limit, account.committed, account.remaining) == (
        D("200000.00"), D("0.00"), D("200000.00")
    )
    assert policy.expiry_date == date(2027, 1, 1)
    assert policy.status == Policy.Status.ACTIVE


def test_a_three_year_policy_gets_an_account_per_insurance_year_and_section(cyber):
    policy = sell(
        cyber,
        start_date=date(2026, 3, 15),
        term_years=3,
        sections={"cyber_own_damage": D("500000"), "cyber_bi": D("250000")},
    )
    assert policy.expiry_date == date(2029, 3, 15)
    years = list(
        InsuranceYearAccount.objects.filter(section__module__code="cyber_own_damage")
        .values_list("year", "starts_on", "ends_on", "limit")
    )
    assert years == [
        (1, date(2026, 3, 15), date(2027, 3, 15), D("1000000.00")),
        (2, date(2027, 3, 15), date(2028, 3, 15), D("1000000.00")),
        (3, date(2028, 3, 15), date(2029, 3, 15), D("1000000.00")),
    ]
    bi_limits = set(
        InsuranceYearAccount.objects.filter(section__module__code="cyber_bi")
        .values_list("limit", flat=True)
    )
    assert bi_limits == {D("500000.00")}


def test_expiry_moved_to_1_january_makes_the_first_insurance_year_short(cyber):
    policy = sell(cyber, start_date=date(2026, 3, 15), term_years=3, expiry_date=date(2029, 1, 1))
    periods = list(policy.sections.get().accounts.values_list("year", "starts_on", "ends_on"))
    assert periods == [
        (1, date(2026, 3, 15), date(2027, 1, 1)),
        (2, date(2027, 1, 1), date(2028, 1, 1)),
        (3, date(2028, 1, 1), date(2029, 1, 1)),
    ]


def test_it_liability_with_dcd_and_rpc(it_liability):
    policy = sell(
        it_liability,
        sections={"itl_base": D("1000000"), "itl_dcd": D("250000"), "itl_rpc": D("250000")},
        term_years=3,
    )
    assert set(policy.sections.values_list("module__code", flat=True)) == {
        "itl_base", "itl_dcd", "itl_rpc"
    }
    assert InsuranceYearAccount.objects.filter(section__policy=policy).count() == 9
    assert policy.number.startswith("IT-2026-")


def test_numbers_are_given_per_product_and_year(cyber, it_liability):
    first = sell(cyber)
    second = sell(cyber)
    other = sell(it_liability)
    assert (first.number, second.number) == ("CY-2026-000001", "CY-2026-000002")
    assert other.number == "IT-2026-000001"
    assert sell(cyber, start_date=date(2027, 2, 1)).number == "CY-2027-000001"


def test_a_given_number_is_kept_and_the_counter_skips_taken_numbers(cyber):
    assert sell(cyber, number="CY-2026-000001").number == "CY-2026-000001"
    assert sell(cyber).number == "CY-2026-000002"


def test_the_sale_is_audited_with_the_acting_user(cyber):
    user = UserFactory()
    policy = sell(cyber, created_by=user)
    entry = AuditEntry.objects.get(action="policy.created")
    assert (entry.actor, entry.object_id) == (user, str(policy.pk))
    assert entry.payload["sections"] == {"cyber_own_damage": "100000.00"}


def test_the_it_security_discount_with_its_criterion(cyber):
    policy = sell(cyber, it_security_discount=True, it_security_criterion="iso27001")
    assert (policy.it_security_discount, policy.it_security_criterion) == (True, "iso27001")


def test_sum_insured_not_offered_is_refused(cyber):
    message = refused(cyber, "sections", sections={"cyber_own_damage": D("200000")})
    assert "€200,000.00 is not offered" in message
    assert "€100,000.00, €250,000.00, €500,000.00, €750,000.00, €1,000,000.00" in message


def test_an_amount_not_offered_is_refused_in_german_with_german_amounts(cyber, settings):
    from django.utils import translation

    with translation.override("de"):
        message = refused(cyber, "sections", sections={"cyber_own_damage": D("200000")})
    assert "Eine Versicherungssumme von 200.000,00\u00a0€ wird" in message
    assert "100.000,00\u00a0€, 250.000,00\u00a0€, 500.000,00\u00a0€" in message


def test_deductible_not_offered_is_refused(cyber):
    message = refused(cyber, "deductible", deductible=D("750"))
    assert "€750.00 is not offered" in message


def test_add_on_without_its_base_module_is_refused(cyber):
    message = refused(cyber, "sections", sections={"cyber_bi": D("100000")})
    assert "can only be bought with 'Cyber and data own damage'" in message


def test_module_of_another_product_is_refused(cyber):
    message = refused(
        cyber, "sections", sections={"cyber_own_damage": D("100000"), "itl_dcd": D("250000")}
    )
    assert "'itl_dcd' belongs to IT liability" in message


def test_unknown_module_is_refused(cyber):
    assert "Unknown module 'cyber_gold'" in refused(
        cyber, "sections", sections={"cyber_own_damage": D("100000"), "cyber_gold": D("1")}
    )


def test_no_module_is_refused(cyber):
    assert "base module" in refused(cyber, "sections", sections={})


@pytest.mark.parametrize("expiry", [date(2026, 1, 1), date(2025, 12, 31)])
def test_start_on_or_after_expiry_is_refused(cyber, expiry):
    assert "must be after the start" in refused(cyber, "expiry_date", expiry_date=expiry)


def test_expiry_later_than_start_plus_term_is_refused(cyber):
    message = refused(cyber, "expiry_date", expiry_date=date(2027, 1, 2))
    assert "later than start + 1 year(s)" in message


def test_expiry_that_drops_an_insurance_year_is_refused(cyber):
    message = refused(cyber, "expiry_date", term_years=3, expiry_date=date(2028, 1, 1))
    assert "only the first insurance year may be short" in message


@pytest.mark.parametrize("term", [0, 2, 5])
def test_term_other_than_1_or_3_years_is_refused(cyber, term):
    assert "must be 1 or 3 years" in refused(cyber, "term_years", term_years=term)


def test_it_security_discount_without_a_criterion_is_refused(cyber):
    message = refused(cyber, "it_security_criterion", it_security_discount=True)
    assert "needs a criterion" in message


def test_a_criterion_without_the_discount_is_refused(cyber):
    refused(cyber, "it_security_criterion", it_security_criterion="pentest")


def test_it_security_discount_is_not_offered_for_it_liability(it_liability):
    message = refused(
        it_liability, "it_security_criterion", it_security_discount=True,
        it_security_criterion="pentest",
    )
    assert "not offered for IT liability" in message


def test_manufacturing_with_unattended_automated_production_is_not_sold(cyber):
    holder = PolicyholderFactory(
        industry=Industry.MANUFACTURING, unattended_automated_production=True
    )
    message = refused(cyber, "policyholder", policyholder=holder)
    assert "not sold; refer to the broker" in message


def test_manufacturing_without_unattended_production_is_sold(cyber):
    holder = PolicyholderFactory(industry=Industry.MANUFACTURING)
    assert sell(cyber, policyholder=holder).pk


def test_financial_advisers_need_the_separate_application_form(cyber):
    holder = PolicyholderFactory(industry=Industry.FINANCIAL_ADVICE)
    assert "separate application form" in refused(cyber, "policyholder", policyholder=holder)


def test_a_taken_number_is_refused(cyber):
    sell(cyber, number="CY-1")
    with pytest.raises(ValidationError) as error:
        sell(cyber, number="CY-1")
    assert "number" in error.value.message_dict
    assert Policy.objects.count() == 1


def test_all_errors_are_reported_together_and_nothing_is_written(cyber):
    with pytest.raises(ValidationError) as error:
        sell(cyber, deductible=D("1"), term_years=2, sections={"cyber_bi": D("100000")})
    assert set(error.value.message_dict) == {"deductible", "term_years", "sections"}
    assert not CoverageSection.objects.exists()
    assert not AuditEntry.objects.filter(action="policy.created").exists()


def test_floats_are_refused_for_money(cyber):
    refused(cyber, "deductible", deductible=1000.0)


def test_the_factory_sells_through_the_service():
    policy = PolicyFactory(product_code="it_liability", term_years=3)
    assert policy.sections.get().accounts.count() == 3
