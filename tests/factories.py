"""factory_boy factories shared by the test suites.

Policies are sold through ``policy_create`` (sections and aggregate accounts included), on the
catalogue loaded by the migrations.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from coverage.models import Module, Product
from policies.models import Industry, Policy, Policyholder
from policies.services import policy_create

PASSWORD = "test-password-1"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


class PolicyholderFactory(DjangoModelFactory):
    class Meta:
        model = Policyholder

    user = factory.SubFactory(UserFactory)
    company_name = factory.Sequence(lambda n: f"Example IT Services {n}")
    contact_name = "Alex Example"
    email = factory.Sequence(lambda n: f"holder{n}@example.com")
    industry = Industry.IT_SERVICES
    annual_revenue = Decimal("80000.00")
    city = "Augsburg"


def _base_sections(policy) -> dict[str, Decimal]:
    base = Module.objects.get(product=policy.product, kind=Module.Kind.BASE)
    smallest = policy.product.sum_options.order_by("amount").first().amount
    return {base.code: smallest}


class PolicyFactory(factory.Factory):
    """A policy sold with ``policy_create``; ``product_code`` picks the product, ``sections`` maps
    module codes to sums insured (default: the base module at the smallest sum insured)."""

    class Meta:
        model = Policy

    class Params:
        product_code = "cyber"

    policyholder = factory.SubFactory(PolicyholderFactory)
    product = factory.LazyAttribute(lambda policy: Product.objects.get(code=policy.product_code))
    start_date = date(2026, 1, 1)
    term_years = 1
    deductible = Decimal("1000")
    sections = factory.LazyAttribute(_base_sections)
    it_security_discount = False
    it_security_criterion = ""
    expiry_date = None
    number = None
    created_by = None

    @classmethod
    def _create(cls, model_class, **kwargs):
        return policy_create(**kwargs)
