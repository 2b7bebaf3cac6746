"""Bordereau export speed and memory: SIZE claims (default 100,000; SIZE=1000000 for the large
book) written as CSV and as XLSX, against a baseline of 10,000 claims measured in the same run.

Runs on a throw-away database (``test_<name>`` on DATABASE_URL or the embedded PostgreSQL),
created with the migrations and dropped at the end. One paid claim is made through the services;
its copies (with their payment ledger entries) are seeded with bulk SQL (set-up, not measured).

    make bench                       # settlements, then this with SIZE=100000
    SIZE=1000000 python bench/exports.py
"""

from __future__ import annotations

import os
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CLAIMS_TESTING", "1")

import django  # noqa: E402

django.setup()

from django.db import connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from claims.money import exports  # noqa: E402
from claims.money.models import Payment  # noqa: E402
from claims.money.services import (  # noqa: E402  # noqa: E402
    cost_line_add,
    payment_execute,
    reserve_set,
    settlement_approve,
    settlement_propose,
)
from coverage.models import CostCategory  # noqa: E402

SIZE = int(os.environ.get("SIZE", "100000"))
BASELINE = 10_000


def _rss() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _template():
    from tests.factories import (
        PolicyholderFactory,
        UserFactory,
        make_adjuster,
        make_policy,
        make_team_lead,
        report,
        walk,
    )

    lead = make_team_lead("bench-lead")
    adjuster = make_adjuster("bench-adj", team_lead=lead)
    holder_user = UserFactory(username="bench-holder")
    holder = PolicyholderFactory(user=holder_user, company_name="Bench GmbH")
    policy = make_policy(holder=holder, product="cyber", created_by=lead,
                         sections={"cyber_own_damage": "100000"})
    claim = walk(report(policy, holder_user), adjuster, "start_liability_check",
                 "start_settlement")
    reserve_set(claim=claim, kind="loss", level=Decimal("9000"), reason="Estimate", by=adjuster)
    cost_line_add(claim=claim, category=CostCategory.objects.get(code="restoration"),
                  amount=Decimal("4000.00"), payee_kind="policyholder", by=adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=adjuster)
    for payment in Payment.objects.filter(settlement=settlement):
        payment_execute(payment_id=payment.pk)
    return claim


def _run(fmt: str, product: str = "") -> tuple[int, float, int]:
    export = exports.bordereau(month=timezone.localdate(), product_code=product)
    before = _rss()
    peak = before
    started = time.monotonic()
    if fmt == "csv":
        with open(os.devnull, "w") as sink:
            for n, line in enumerate(exports.csv_lines(export)):
                sink.write(line)
                if n % 20_000 == 0:
                    peak = max(peak, _rss())
    else:
        with exports.xlsx_file(export, title="bench") as out:
            out.seek(0, 2)
        peak = max(peak, _rss())
    return export.count, time.monotonic() - started, peak - before


def main() -> None:
    from tests.money.bulk import clone_claims

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        template = _template()
        t0 = time.monotonic()
        clone_claims(template, BASELINE - 1, prefix="A")
        base = {fmt: _run(fmt) for fmt in ("csv", "xlsx")}
        clone_claims(template, SIZE - BASELINE, prefix="B")
        seeded = time.monotonic() - t0
        print(f"PostgreSQL {connections['default'].settings_dict['NAME']}: bordereau of "
              f"{SIZE:,} claims (seeded in {seeded:.1f} s), baseline {BASELINE:,}")
        for fmt in ("csv", "xlsx"):
            rows, elapsed, grew = _run(fmt)
            b_rows, b_elapsed, b_grew = base[fmt]
            ratio = (elapsed / rows) / (b_elapsed / b_rows)
            print(f"{fmt.upper():<5} {rows:>9,} rows in {elapsed:7.2f} s "
                  f"({rows / elapsed:9,.0f} rows/s; per-row time x{ratio:.2f} of the "
                  f"{b_rows:,}-row baseline {b_elapsed:.2f} s); RSS grew "
                  f"{grew / 2**20:.1f} MiB (baseline {b_grew / 2**20:.1f} MiB)")
    finally:
        connections.close_all()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
