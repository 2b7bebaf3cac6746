"""Fixtures of the money tests, on top of the root's people (the adjuster's approval limit is
10,000.00, the team lead's 100,000.00): a head of claims and a claims manager without a limit, a
cyber policy of 100,000.00 and a claim in the settlement state reached through the services
(coverage check included)."""

from __future__ import annotations

import pytest

from tests.factories import (
    claim_in_settlement,
    make_claims_manager,
    make_head_of_claims,
    make_policy,
)


@pytest.fixture
def chief(db):
    return make_head_of_claims("chief")


@pytest.fixture
def claims_manager(db):
    return make_claims_manager("manager")


@pytest.fixture
def policy_100k(holder, team_lead):
    """A cyber policy, own damage insured for 100,000.00 (annual aggregate 200,000.00)."""
    return make_policy(holder=holder, product="cyber", created_by=team_lead,
                       sections={"cyber_own_damage": "100000", "cyber_bi": "100000"})


@pytest.fixture
def claim(policy_100k, holder_user, adjuster):
    return claim_in_settlement(policy_100k, reporter=holder_user, adjuster=adjuster)
