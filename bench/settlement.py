"""Settlements committed per second: 1,000 claims spread over 10 policies, then 1,000 claims on
1 policy (every approval waits for the same insurance-year account lock: the contended case).

Runs on a throw-away database (``test_<name>`` on DATABASE_URL or the embedded PostgreSQL),
created with the migrations and dropped at the end. The claims, cost lines and proposals are
written in bulk (set-up, not measured); the approvals run through ``settlement_approve`` in
WORKERS separate processes, each with its own database connection. The payment tasks the
approvals enqueue are published to an in-memory broker, so the figure is the approval alone.

    make bench            # or: python bench/settlement.py  (WORKERS=8 CLAIMS=1000)
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CLAIMS_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims import roles  # noqa: E402
from claims.models import AdjusterProfile, Claim  # noqa: E402
from claims.money import tasks as _tasks  # noqa: E402,F401 - registers the task names
from claims.money.models import CostLine, Settlement  # noqa: E402
from claims.money.selectors import explanation, settlement_preview  # noqa: E402
from claims.money.services import settlement_approve  # noqa: E402
from claims.notifications import muted  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from coverage.models import CostCategory, LossType, Product  # noqa: E402
from policies.models import Industry, Policyholder  # noqa: E402
from policies.services import policy_create  # noqa: E402

WORKERS = int(os.environ.get("WORKERS", "8"))
# Payment tasks go to an in-memory broker: measured is the approval, not the payment.
celery_app.conf.CELERY_BROKER_URL = "memory://"
celery_app.conf.CELERY_TASK_ALWAYS_EAGER = False
logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # the memory broker has no host
CLAIMS = int(os.environ.get("CLAIMS", "1000"))
LINE = Decimal("2000.00")  # payable 1,000.00 per claim after the deductible


def _adjuster() -> User:
    user, _ = User.objects.get_or_create(username="bench-adjuster", defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=roles.ADJUSTERS))
    AdjusterProfile.objects.get_or_create(user=user)
    return user


def _policies(count: int, by: User, tag: str) -> list:
    product = Product.objects.get(code="cyber")
    policies = []
    for index in range(count):
        holder = Policyholder.objects.create(
            company_name=f"Bench {tag} {index}", email=f"bench-{tag}-{index}@example.com",
            industry=Industry.IT_SERVICES, annual_revenue=Decimal("80000.00"),
        )
        policies.append(policy_create(
            policyholder=holder, product=product,
            start_date=timezone.localdate() - timedelta(days=30), term_years=1,
            deductible=Decimal("1000.00"), sections={"cyber_own_damage": Decimal("1000000")},
            created_by=by,
        ))
    return policies


def _proposals(policies: list, by: User, tag: str) -> list[int]:
    """CLAIMS claims in the settlement state, round-robin over ``policies``, with one cost line
    and a proposal each (written in bulk: set-up, not measured)."""
    loss_type = LossType.objects.get(code="ransomware")
    restoration = CostCategory.objects.get(code="restoration")
    now = timezone.now()
    claims = []
    for index in range(CLAIMS):
        policy = policies[index % len(policies)]
        section = policy.sections.get(module__code="cyber_own_damage")
        account = section.accounts.get(year=1)
        claims.append(Claim(
            number=f"B{tag}-{index:05d}", policy=policy, loss_type=loss_type,
            loss_date=timezone.localdate() - timedelta(days=1), reported_at=now,
            description=f"Bench claim {index}", reported_by=by, assigned_adjuster=by,
            state="settlement", coverage_covered=True, coverage_code="covered",
            coverage_section=section, coverage_account=account, coverage_insurance_year=1,
        ))
    claims = Claim.objects.bulk_create(claims)
    CostLine.objects.bulk_create(
        CostLine(claim=claim, section=claim.coverage_section, category=restoration, amount=LINE,
                 payee_kind="policyholder", payee_name="Bench GmbH", created_by=by)
        for claim in claims
    )
    settlements = []
    for claim in claims:
        result = settlement_preview(claim=claim, aggregate_committed=Decimal("0.00"))
        settlements.append(Settlement(
            claim=claim, section=claim.coverage_section, account=claim.coverage_account,
            proposed_payable=result.payable, explanation=explanation(result), proposed_by=by,
        ))
    return [s.pk for s in Settlement.objects.bulk_create(settlements)]


def _approve_share(settlement_ids: list[int], user_id: int, start, results) -> None:
    connections.close_all()  # a connection of its own, not the parent's
    user = User.objects.get(pk=user_id)
    start.wait()
    approved = 0
    with muted():
        for settlement in Settlement.objects.filter(pk__in=settlement_ids).order_by("pk"):
            if settlement_approve(settlement=settlement, by=user).state == "approved":
                approved += 1
    connections.close_all()
    results.put(approved)


def run_case(label: str, tag: str, policies: int, by: User) -> float:
    ids = _proposals(_policies(policies, by, tag), by, tag)
    connections.close_all()
    context = multiprocessing.get_context("fork")
    start, results = context.Barrier(WORKERS + 1), context.Queue()
    shares = [ids[index::WORKERS] for index in range(WORKERS)]
    processes = [context.Process(target=_approve_share, args=(share, by.pk, start, results))
                 for share in shares]
    for process in processes:
        process.start()
    start.wait()
    began = time.perf_counter()
    approved = sum(results.get(timeout=600) for _ in processes)
    elapsed = time.perf_counter() - began
    for process in processes:
        process.join()
    rate = approved / elapsed
    print(f"{label:<28} {approved:>5} settlements committed in {elapsed:6.2f} s: "
          f"{rate:8.1f} settlements committed per second")
    return rate


def main() -> None:
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        by = _adjuster()
        print(f"PostgreSQL {connections['default'].settings_dict['NAME']}, {WORKERS} worker "
              f"processes, {CLAIMS} claims per case")
        run_case("10 policies (spread)", "S", 10, by)
        run_case("1 policy (contended)", "C", 1, by)
    finally:
        connections.close_all()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
