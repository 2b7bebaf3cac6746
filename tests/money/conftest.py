"""Fixtures of the money tests: adjusters with approval limits, a cyber policy, and claims in the
settlement state reached through the services (coverage check included)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from claims.models import AdjusterProfile
from coverage.models import CostCategory
from tests.claims.conftest import report, walk
from tests.claims.factories import (
    PolicyholderFactory,
    UserFactory,
    make_adjuster,
    make_policy,
    make_team_lead,
)

D = Decimal


def category(code: str) -> CostCategory:
    return CostCategory.objects.get(code=code)


def claim_in_settlement(policy, *, reporter, adjuster, **extra):
    claim = report(policy, reporter, **extra)
    return walk(claim, adjuster, "start_liability_check", "start_settlement")


def set_limit(user, amount: str) -> None:
    AdjusterProfile.objects.filter(user=user).update(approval_limit=D(amount))


@pytest.fixture
def team_lead(db):
    return make_team_lead("lead")  # approval limit 100,000.00


@pytest.fixture
def adjuster(team_lead):
    return make_adjuster("adj", team_lead=team_lead)  # approval limit 10,000.00


def make_head_of_claims(username: str):
    from django.contrib.auth.models import Group

    lead = make_team_lead(username)
    lead.groups.add(Group.objects.get(name="heads_of_claims"))
    AdjusterProfile.objects.filter(user=lead).update(approval_limit=None)
    return lead


def make_claims_manager(username: str):
    from django.contrib.auth.models import Group

    lead = make_team_lead(username)
    lead.groups.add(Group.objects.get(name="claims_managers"))
    AdjusterProfile.objects.filter(user=lead).update(approval_limit=None)
    return lead


@pytest.fixture
def chief(db):
    return make_head_of_claims("chief")


@pytest.fixture
def claims_manager(db):
    return make_claims_manager("manager")


@pytest.fixture
def holder_user(db):
    return UserFactory(username="holder")


@pytest.fixture
def holder(holder_user):
    return PolicyholderFactory(user=holder_user, company_name="Pixel & Code GmbH")


@pytest.fixture
def policy_100k(holder, team_lead):
    """A cyber policy, own damage insured for 100,000.00 (annual aggregate 200,000.00)."""
    return make_policy(holder=holder, product="cyber", created_by=team_lead,
                       sections={"cyber_own_damage": "100000", "cyber_bi": "100000"})


@pytest.fixture
def claim(policy_100k, holder_user, adjuster):
    return claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
