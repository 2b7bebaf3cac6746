"""Demo money, after ``demo.claims`` and ``demo.vendors``: cost lines and reserves on the
demo claim waiting for its settlement, and three claims of our own on a cyber policy taken
through the money services: one approved (settled; its payment is made as soon as a worker or
the eager mode runs it), one paid, one above the adjuster's limit waiting for the team lead.

``load`` is idempotent: each claim is found by its description; money is added only once.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import Claim, ClaimState
from claims.money.models import Payment, Settlement
from claims.money.services import (
    cost_line_add,
    payment_execute,
    reserve_set,
    settlement_approve,
    settlement_propose,
)
from claims.services import claim_report, claim_transition
from coverage.models import CostCategory, LossType
from policies.models import Policy

D = Decimal
# description, lines (category, amount, payee), outcome
STORIES = [
    ("Ransomware on the design studio's file server; forensics and restore of backups.",
     [("forensics", "4800.00", "policyholder"), ("restoration", "2600.00", "policyholder"),
      ("emergency_assistance", "900.00", "policyholder")], "approved"),
    ("Hacked web shop: forensics, security analysis and a notice to 900 customers.",
     [("forensics", "3500.00", "policyholder"), ("security_analysis", "3100.00", "policyholder"),
      ("data_owner_notification", "1200.00", "policyholder")], "paid"),
    ("Ransomware encrypted the ERP system; full restoration and crisis PR needed.",
     [("restoration", "24000.00", "policyholder"), ("crisis_pr", "6500.00", "policyholder"),
      ("forensics", "9800.00", "policyholder")], "pending_team_lead"),
]


def _user(username: str):
    return get_user_model().objects.get(username=username)


def _story_claim(description: str, policy: Policy, adjuster) -> Claim:
    claim = Claim.objects.filter(description=description).first()
    if claim is not None:
        return claim
    claim = claim_report(
        policy=policy, loss_type=LossType.objects.get(code="ransomware"),
        loss_date=timezone.localdate() - timedelta(days=14), description=description,
        reported_by=policy.policyholder.user, estimated_amount=D("10000.00"),
    )
    for transition in ("start_liability_check", "start_settlement"):
        claim_transition(claim=claim, transition=transition, by=adjuster)
    return claim


def _money(claim: Claim, lines, outcome: str, adjuster, lead) -> None:
    if claim.cost_lines.exists():
        return
    for code, amount, payee in lines:
        cost_line_add(claim=claim, category=CostCategory.objects.get(code=code),
                      amount=D(amount), payee_kind=payee, by=adjuster)
    total = sum(D(amount) for _code, amount, _payee in lines)
    reserve_set(claim=claim, kind="loss", level=total, reason="Costs invoiced so far.",
                by=adjuster)
    reserve_set(claim=claim, kind="expense", level=D("500.00"),
                reason="Adjuster's expert for the invoices.", by=adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=adjuster)
    if outcome == "paid":
        for payment in Payment.objects.filter(settlement=settlement).order_by("pk"):
            payment_execute(payment_id=payment.pk)


def load(stdout) -> list[tuple[str, str, str]]:
    adjuster, lead = _user("adjuster"), _user("teamlead")
    policy = (
        Policy.objects.filter(product__code="cyber", status=Policy.Status.ACTIVE,
                              policyholder__user__isnull=False,
                              sections__module__code="cyber_own_damage",
                              start_date__lte=timezone.localdate() - timedelta(days=60))
        .order_by("number").first()
    )
    if policy is None:
        stdout.write("Money: no active cyber policy with a portal login; nothing loaded.")
        return []
    for description, lines, outcome in STORIES:
        claim = _story_claim(description, policy, adjuster)
        _money(claim, lines, outcome, adjuster, lead)
    waiting = Claim.objects.filter(state=ClaimState.SETTLEMENT, cost_lines__isnull=True,
                                   coverage_section__isnull=False).exclude(
        description__in=[story[0] for story in STORIES]).order_by("pk").first()
    if waiting is not None:
        code = "forensics" if waiting.coverage_section.module.category_links.filter(
            category__code="forensics").exists() else None
        if code:
            cost_line_add(claim=waiting, category=CostCategory.objects.get(code=code),
                          amount=D("3800.00"), payee_kind="policyholder", by=adjuster)
            reserve_set(claim=waiting, kind="loss", level=D("12000.00"),
                        reason="Estimate of the policyholder.", by=adjuster)
    settlements = Settlement.objects.filter(claim__description__in=[s[0] for s in STORIES])
    stdout.write(f"Money: {settlements.count()} demo settlements "
                 f"({', '.join(sorted(set(settlements.values_list('state', flat=True))))}).")
    return []
