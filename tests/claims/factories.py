"""Factories for the claims tests. Policies are made through ``policies.services.policy_create``
(so sections and insurance-year accounts are as in production); claims either through the
services (realistic history) or, with ``ClaimFactory``, directly in any state (the protected FSM
field is set through the constructor)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from claims import roles
from claims.models import AdjusterProfile, Claim
from coverage.models import LossType, Product
from policies.models import Policyholder
from tests.factories import PASSWORD, PolicyholderFactory
from tests.factories import UserFactory as BaseUserFactory

__all__ = ["PASSWORD", "ClaimFactory", "PolicyholderFactory", "UserFactory", "loss_type",
           "make_adjuster", "make_policy", "make_team_lead"]

CYBER_SECTIONS = {"cyber_own_damage": "250000", "cyber_bi": "100000",
                  "cyber_liability": "250000"}
ITL_SECTIONS = {"itl_base": "500000", "itl_dcd": "250000", "itl_rpc": "250000"}


class UserFactory(BaseUserFactory):
    """A user, optionally in groups: ``UserFactory(groups=["adjusters"])``."""

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])


def make_adjuster(username: str, *, team_lead: User | None = None) -> User:
    user = UserFactory(username=username, is_staff=True, groups=[roles.ADJUSTERS])
    AdjusterProfile.objects.create(user=user, team_lead=team_lead)
    return user


def make_team_lead(username: str) -> User:
    user = UserFactory(username=username, is_staff=True,
                       groups=[roles.ADJUSTERS, roles.TEAM_LEADS])
    AdjusterProfile.objects.create(user=user, approval_limit=Decimal("100000.00"))
    return user


def make_policy(
    *, holder: Policyholder, product: str = "cyber", sections: dict | None = None,
    start_date: date | None = None, term_years: int = 1, it_security_discount: bool = False,
    created_by: User, expiry_date: date | None = None,
):
    from policies.services import policy_create

    return policy_create(
        policyholder=holder,
        product=Product.objects.get(code=product),
        start_date=start_date or timezone.localdate() - timedelta(days=100),
        term_years=term_years,
        deductible=Decimal("1000.00"),
        sections=sections or (CYBER_SECTIONS if product == "cyber" else ITL_SECTIONS),
        it_security_discount=it_security_discount,
        it_security_criterion="iso27001" if it_security_discount else "",
        expiry_date=expiry_date,
        created_by=created_by,
    )


def loss_type(code: str) -> LossType:
    return LossType.objects.get(code=code)


class ClaimFactory(factory.django.DjangoModelFactory):
    """A claim in any ``state`` without history (for screens and queries, not for workflow)."""

    class Meta:
        model = Claim

    number = factory.Sequence(lambda n: f"1999-{n:05d}")
    loss_type = factory.LazyFunction(lambda: loss_type("ransomware"))
    loss_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=2))
    reported_at = factory.LazyFunction(timezone.now)
    description = factory.Sequence(lambda n: f"Incident number {n} with a unique story {n * 7}")
    reported_by = factory.SubFactory(UserFactory)
    state = "reported"
