"""The models' clean() gives the admin the same refusals as policy_create."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from coverage.models import Module
from policies.models import CoverageSection, Industry, Policy
from tests.factories import PolicyFactory, PolicyholderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def new_policy(product, **fields) -> Policy:
    values = {
        "number": "CY-X",
        "policyholder": PolicyholderFactory(),
        "product": product,
        "start_date": date(2026, 1, 1),
        "term_years": 1,
        "expiry_date": date(2027, 1, 1),
        "deductible": D("1000"),
        **fields,
    }
    return Policy(**values)


def clean_errors(obj) -> dict:
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    return error.value.message_dict


def test_a_valid_new_policy_is_clean(cyber):
    new_policy(cyber).full_clean()


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"deductible": D("750")}, "deductible", "not offered"),
        ({"term_years": 2}, "term_years", "1 or 3 years"),
        ({"expiry_date": date(2026, 1, 1)}, "expiry_date", "after the start"),
        ({"expiry_date": date(2027, 6, 1)}, "expiry_date", "later than start + 1"),
        ({"it_security_discount": True}, "it_security_criterion", "needs a criterion"),
    ],
)
def test_policy_clean_refuses_what_the_service_refuses(cyber, fields, field, words):
    errors = clean_errors(new_policy(cyber, **fields))
    assert words in " ".join(errors[field])


@pytest.mark.parametrize(
    ("industry", "unattended", "words"),
    [
        (Industry.MANUFACTURING, True, "not sold; refer to the broker"),
        (Industry.FINANCIAL_ADVICE, False, "separate application form"),
    ],
)
def test_policy_clean_refuses_policyholders_not_sold_to(cyber, industry, unattended, words):
    holder = PolicyholderFactory(industry=industry, unattended_automated_production=unattended)
    errors = clean_errors(new_policy(cyber, policyholder=holder))
    assert words in " ".join(errors["policyholder"])


def test_an_empty_expiry_is_start_plus_term_for_the_check(cyber):
    policy = new_policy(cyber, expiry_date=None)
    policy.clean()


def test_a_cancelled_policy_needs_its_date(cyber):
    policy = PolicyFactory()
    policy.status = Policy.Status.CANCELLED
    assert "cancelled_from" in clean_errors(policy)


def test_section_clean_refuses_sums_not_offered_and_modules_of_other_products(cyber):
    policy = PolicyFactory()
    section = CoverageSection(
        policy=policy,
        module=Module.objects.get(code="itl_rpc"),
        sum_insured=D("123"),
        deductible=D("1000"),
    )
    errors = clean_errors(section)
    assert "belongs to IT liability" in " ".join(errors["module"])
    assert "123.00 is not offered" in " ".join(errors["sum_insured"])
