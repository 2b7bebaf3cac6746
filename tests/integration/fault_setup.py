"""Data for a fault run, written into the throwaway stack's database by a process of its own:
``python -m tests.integration.fault_setup base|payment`` prints what it made as one JSON line.

- ``base``: a team lead, an adjuster, a policyholder (login ``fault-holder``) with a cyber policy
  (24/7 hotline), and two 24/7 forensics vendors, so that an emergency report proposes a job;
- ``payment``: a claim with an approved settlement whose payment the worker is about to make.
"""

from __future__ import annotations

import json
import os
import sys
from decimal import Decimal


def base() -> dict:
    from tests.factories import (
        PASSWORD,
        PolicyholderFactory,
        UserFactory,
        make_adjuster,
        make_org,
        make_policy,
        make_team_lead,
    )

    lead = make_team_lead("fault-lead")
    make_adjuster("fault-adjuster", team_lead=lead)
    holder_user = UserFactory(username="fault-holder", email="holder@fault.example")
    holder = PolicyholderFactory(user=holder_user, email="holder@fault.example")
    policy = make_policy(holder=holder, product="cyber", created_by=lead,
                         sections={"cyber_own_damage": "1000000"})
    make_org("Night Owls 24/7", available_24_7=True)
    make_org("Always On Panel 24/7", available_24_7=True, panel=True)
    return {"policy": policy.pk, "holder": "fault-holder", "adjuster": "fault-adjuster",
            "password": PASSWORD}


def payment() -> dict:
    from django.contrib.auth.models import User

    from claims.money.models import Payment
    from claims.money.services import cost_line_add, settlement_approve, settlement_propose
    from policies.models import Policy
    from tests.factories import category, claim_in_settlement

    lead = User.objects.get(username="fault-lead")
    holder_user = User.objects.get(username="fault-holder")
    policy = Policy.objects.filter(policyholder__user=holder_user).first()
    claim = claim_in_settlement(policy, reporter=holder_user, adjuster=lead,
                                description="payment fault: forensics invoice")
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("4000.00"),
                  payee_kind="policyholder", by=lead)
    settlement_approve(settlement=settlement_propose(claim=claim, by=lead), by=lead)
    return {"payment": Payment.objects.get(claim=claim).pk, "claim": claim.number}


def main(argv: list[str]) -> int:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    what = {"base": base, "payment": payment}[argv[0]]
    print(json.dumps(what()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
