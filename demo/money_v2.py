"""Demo of Money v2, after ``demo.money``: the claims manager and the head of claims (demo
logins), and four claims worked through the money services:

- a lost client key: the claimant is paid 1,400.00 in full, the insured owes the 1,000.00
  deductible (an activity asks the adjuster to collect it);
- a ransomware attack on two sections (own damage and business interruption) with a first-8-hours
  assessment: settled section by section with one deductible for the loss event;
- an unjustified claim defended at the insurer's cost: the lawyer's 4,300.00 paid, claim closed;
- a large restoration above the team lead's limit, approved by the claims manager.

``load`` is idempotent: each claim is found by its description; nothing is added twice.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from claims import roles
from claims.models import AdjusterProfile, Claim
from claims.money.models import Payment, Settlement
from claims.money.services import (
    cost_line_add,
    interruption_assess,
    payment_execute,
    settlement_approve,
    settlement_propose,
)
from claims.services import claim_report, claim_transition
from claims.vendors.models import VendorOrganisation
from coverage.models import CostCategory, LossType
from policies.models import Policy

D = Decimal
STAFF = [
    # role, username, password, extra group
    ("claims manager (approves up to 1,000,000)", "claimsmanager", "demo-claimsmanager",
     "claims_managers"),
    ("head of claims (no limit)", "headofclaims", "demo-headofclaims", "heads_of_claims"),
]
LOST_KEY = "Lost the client's office key: the client had a new locking system fitted."
TWO_SECTIONS = ("Ransomware stopped the warehouse system for two days: restore and lost "
                "business.")
DEFENDED = "Client blames our update for a lost day of 15 staff; we dispute it."
LARGE = "Ransomware destroyed the practice's servers and backups: full rebuild."


def _staff() -> list[tuple[str, str, str]]:
    User = get_user_model()
    logins = []
    for role, username, password, group in STAFF:
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@claims.example", "is_staff": True,
                                         "first_name": username.title()})
        if created:
            user.set_password(password)
            user.save()
        user.groups.add(*Group.objects.filter(name__in=[roles.ADJUSTERS, roles.TEAM_LEADS,
                                                        group]))
        AdjusterProfile.objects.get_or_create(user=user)
        logins.append((role, username, password))
    return logins


def _policy(username: str) -> Policy | None:
    return Policy.objects.filter(policyholder__user__username=username,
                                 status=Policy.Status.ACTIVE).order_by("number").first()


def _claim(policy: Policy, description: str, loss_type: str, adjuster, transitions,
           **extra) -> tuple[Claim, bool]:
    claim = Claim.objects.filter(description=description).first()
    if claim is not None:
        return claim, False
    claim = claim_report(
        policy=policy, loss_type=LossType.objects.get(code=loss_type),
        loss_date=timezone.localdate() - timedelta(days=20), description=description,
        reported_by=policy.policyholder.user, estimated_amount=D("5000.00"), **extra)
    for name, reason in transitions:
        claim_transition(claim=claim, transition=name, by=adjuster, reason=reason)
    return claim, True


def _line(claim, code, amount, by, payee="policyholder", section=None, vendor=None):
    cost_line_add(claim=claim, category=CostCategory.objects.get(code=code), amount=D(amount),
                  payee_kind=payee, by=by, section=section, vendor=vendor)


def _settle(claim, by, section=None, approver=None) -> Settlement:
    settlement = settlement_approve(
        settlement=settlement_propose(claim=claim, by=by, section=section), by=by)
    if settlement.state == "pending_team_lead" and approver is not None:
        settlement = settlement_approve(settlement=settlement, by=approver)
    for payment in Payment.objects.filter(settlement=settlement, status="pending"):
        payment_execute(payment_id=payment.pk)
    return settlement


THIRD_PARTY = {"claimant_name": "Müller & Partner Architekten",
               "claimant_address": "Maximilianstr. 12, 86150 Augsburg"}


def load(stdout) -> list[tuple[str, str, str]]:
    logins = _staff()
    User = get_user_model()
    adjuster = User.objects.get(username="adjuster")
    manager = User.objects.get(username="claimsmanager")
    itl, small, large = _policy("jonas.weber"), _policy("mehmet.yilmaz"), _policy("lena.fischer")
    if itl is not None:
        claim, new = _claim(itl, LOST_KEY, "property_damage", adjuster,
                            [("start_liability_check", ""), ("start_settlement", "")],
                            **THIRD_PARTY)
        if new:
            _line(claim, "damages", "1400.00", adjuster, payee="claimant")
            _settle(claim, adjuster)
        claim, new = _claim(itl, DEFENDED, "pure_financial_loss", adjuster,
                            [("start_liability_check", ""),
                             ("defend", "The client agreed to the update window.")],
                            **THIRD_PARTY)
        lawyers = VendorOrganisation.objects.filter(services__code="lawyers").first()
        if new:
            _line(claim, "defence_costs", "4300.00", adjuster,
                  payee="vendor" if lawyers else "policyholder", vendor=lawyers)
            _settle(claim, adjuster)
            claim_transition(claim=claim, transition="close", by=adjuster)
    if small is not None:
        claim, new = _claim(small, TWO_SECTIONS, "ransomware", adjuster,
                            [("start_liability_check", ""), ("start_settlement", "")])
        bi = small.sections.filter(module__code="cyber_bi").first()
        if new and bi is not None:
            _line(claim, "restoration", "8000.00", adjuster)
            _line(claim, "interruption_loss", "14000.00", adjuster, section=bi)
            interruption_assess(claim=claim, section=bi, first_8_hours_loss=D("2400.00"),
                                reason="8 hours of the average daily gross profit",
                                by=adjuster)
            _settle(claim, adjuster)
            claim.refresh_from_db()
            _settle(claim, adjuster, section=bi,
                    approver=User.objects.get(username="teamlead"))
    if large is not None:
        claim, new = _claim(large, LARGE, "ransomware", adjuster,
                            [("start_liability_check", ""), ("start_settlement", "")])
        if new:
            _line(claim, "restoration", "180000.00", adjuster)
            _settle(claim, adjuster, approver=manager)
    stdout.write("Money v2: deductible owed, two sections with one deductible, defence costs "
                 "paid, a claims-manager approval.")
    return logins
