"""Named fixtures: the people of a claim, two policies (one per product) and a claim in every
state, each reached through the services so that its history is real."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from claims.services import claim_report, claim_transition
from claims.services.transitions import MONEY_DRIVEN
from tests.claims.factories import (
    PolicyholderFactory,
    UserFactory,
    loss_type,
    make_adjuster,
    make_policy,
    make_team_lead,
)


@pytest.fixture
def team_lead(db):
    return make_team_lead("lead")


@pytest.fixture
def adjuster(team_lead):
    return make_adjuster("adj", team_lead=team_lead)


@pytest.fixture
def other_adjuster(team_lead):
    return make_adjuster("adj2", team_lead=team_lead)


@pytest.fixture
def holder_user(db):
    return UserFactory(username="holder")


@pytest.fixture
def stranger(db):
    return UserFactory(username="stranger")


@pytest.fixture
def holder(holder_user):
    return PolicyholderFactory(user=holder_user, company_name="Pixel & Code GmbH")


@pytest.fixture
def cyber_policy(holder, team_lead):
    return make_policy(holder=holder, product="cyber", created_by=team_lead)


@pytest.fixture
def itl_policy(holder, team_lead):
    return make_policy(holder=holder, product="it_liability", created_by=team_lead)


def report(policy, by, *, code="ransomware", days_ago=2, **extra):
    data = {
        "policy": policy,
        "loss_type": loss_type(code),
        "loss_date": timezone.localdate() - timedelta(days=days_ago),
        "description": extra.pop("description", f"{code}: systems down since the morning"),
        "reported_by": by,
        "estimated_amount": Decimal("12000.00"),
    }
    if loss_type(code).third_party:
        data.update(claimant_name="Client AG", claimant_address="Hauptstr. 1, 86150 Augsburg")
    data.update(extra)
    return claim_report(**data)


def commission_vendor(claim):
    """Mitigation needs a vendor job (the vendors' rule); a finished one lets the claim leave
    mitigation again."""
    from tests.vendors.factories import make_job, make_org

    organisation = make_org(f"Forensik {claim.number}", "forensics")
    return make_job(claim, organisation, state="completed", completed_at=timezone.now())


def walk(claim, by, *transitions):
    for name in transitions:
        if name == "start_mitigation" and not claim.vendor_jobs.exists():
            commission_vendor(claim)
        reason = "Because the file says so." if name in {"deny", "withdraw", "reopen"} else ""
        payload = {"denial_reason": "excluded_risk"} if name == "deny" else None
        # the state machine itself (money=True: as the money services); they are tested apart
        claim_transition(claim=claim, transition=name, by=by, reason=reason, payload=payload,
                         money=name in MONEY_DRIVEN)
    return claim


@pytest.fixture
def reported_claim(cyber_policy, holder_user):
    return report(cyber_policy, holder_user)


@pytest.fixture
def third_party_claim(itl_policy, holder_user):
    return report(itl_policy, holder_user, code="pure_financial_loss",
                  description="Our update stopped the client's 15 staff for a day")


@pytest.fixture
def claim_in_liability_check(reported_claim, adjuster):
    return walk(reported_claim, adjuster, "start_liability_check")


@pytest.fixture
def claim_in_mitigation(claim_in_liability_check, adjuster):
    return walk(claim_in_liability_check, adjuster, "start_mitigation")


@pytest.fixture
def claim_in_settlement(claim_in_mitigation, adjuster):
    return walk(claim_in_mitigation, adjuster, "start_settlement")


@pytest.fixture
def claim_settled(claim_in_settlement, adjuster):
    return walk(claim_in_settlement, adjuster, "approve_settlement")


@pytest.fixture
def claim_paid(claim_settled, adjuster):
    return walk(claim_settled, adjuster, "mark_paid")


@pytest.fixture
def claim_closed(claim_paid, adjuster):
    return walk(claim_paid, adjuster, "close")


@pytest.fixture
def claim_reopened(claim_closed, adjuster):
    return walk(claim_closed, adjuster, "reopen")


@pytest.fixture
def claim_denied(claim_in_liability_check, adjuster):
    return walk(claim_in_liability_check, adjuster, "deny")


@pytest.fixture
def claim_defending(third_party_claim, adjuster):
    return walk(third_party_claim, adjuster, "start_liability_check", "defend")


@pytest.fixture
def claim_withdrawn(reported_claim, holder_user):
    return walk(reported_claim, holder_user, "withdraw")
