"""Demo data of claim financials (issue 14): a subrogation recovery received, a voided payment
re-issued to the right payee, and a closed claim whose reserve ran off and was set to zero.
Idempotent: each claim is found by its description."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model

from claims.money.models import Payment
from claims.money.services import payment_execute, reserve_set
from claims.money.services.recoveries import recovery_create, recovery_record
from claims.money.services.voids import payment_void
from claims.services import claim_transition
from demo.money_v2 import _claim, _line, _policy, _settle

D = Decimal
SUBROGATION = ("Attackers came in through a flaw in the shop software's payment plug-in: "
               "restore and clean-up.")
VOIDED = "Phishing mail encrypted the laptop of the bookkeeper: data recovery."
RUN_OFF = "Web server defaced over the weekend: forensics and restore, done."


def load(stdout) -> list[tuple[str, str, str]]:
    User = get_user_model()
    adjuster = User.objects.get(username="adjuster")
    policy = _policy("mehmet.yilmaz") or _policy("lena.fischer")
    if policy is None:
        return []
    steps = [("start_liability_check", ""), ("start_settlement", "")]
    claim, new = _claim(policy, SUBROGATION, "ransomware", adjuster, steps)
    if new:
        reserve_set(claim=claim, kind="loss", level=D("7000.00"), reason="First estimate",
                    by=adjuster)
        _line(claim, "restoration", "6500.00", adjuster)
        _settle(claim, adjuster)
        recovery = recovery_create(
            claim=claim, kind="subrogation", counterparty="ShopPlug Software GmbH",
            expected=D("4000.00"), by=adjuster,
            description="The plug-in vendor's liability insurer accepted 4,000.00.")
        recovery_record(recovery=recovery, how="received", amount=D("4000.00"),
                        by=adjuster, reason="Transfer of the vendor's insurer")
    claim, new = _claim(policy, VOIDED, "ransomware", adjuster, steps)
    if new:
        reserve_set(claim=claim, kind="loss", level=D("3000.00"), reason="Estimate",
                    by=adjuster)
        _line(claim, "restoration", "3200.00", adjuster)
        settlement = _settle(claim, adjuster)
        paid = Payment.objects.filter(settlement=settlement, status="paid").first()
        if paid is not None:
            new_payment = payment_void(
                payment=paid, by=adjuster, reason="Wrong payee: paid to the bookkeeper's "
                "private account instead of the firm's.",
                reissue_to=policy.policyholder.company_name)
            payment_execute(payment_id=new_payment.pk)
    claim, new = _claim(policy, RUN_OFF, "ransomware", adjuster, steps)
    if new:
        reserve_set(claim=claim, kind="loss", level=D("5000.00"), reason="Estimate",
                    by=adjuster)
        _line(claim, "restoration", "3500.00", adjuster)
        _settle(claim, adjuster)
        claim.refresh_from_db()
        claim_transition(claim=claim, transition="close", by=adjuster)
    stdout.write("Financials: a subrogation recovery received, a voided payment re-issued, a "
                 "closed claim with its reserve run off; Admin > Recoveries > Loss runs and "
                 "bordereaux.")
    return []
