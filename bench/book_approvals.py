"""Settlement approvals on the seeded book (``bench/seed.py``, SIZE claims): milliseconds per
approval, wall and CPU, in-process, one at a time.

``bench/settlement.py`` measures approvals on a fresh database, where every table is small; this
one approves the book's proposed settlements, among the ledger, settlements and accounts of
SIZE claims, so that a read that grows with the book shows here (issue 17: before the sixth
session an approval read the whole ledger and all the accounts under the account's lock, 16 ms
at 50,000 claims and 280 ms at 1,000,000). Each run approves COUNT more of the book's proposed
settlements (the book keeps what it approved; it was seeded with SIZE / 20 of them).

    SIZE=50000 python bench/book_approvals.py      # (DATABASE_URL, REDIS_URL set) COUNT=60
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

SIZE = int(os.environ.get("SIZE", "2000"))
COUNT = int(os.environ.get("COUNT", "60"))
WARMUP = 10  # a connection's first statements are compiled and prepared


def main() -> None:
    # As in production: the workers' relay publishes the approvals' messages (none runs here).
    os.environ.setdefault("OUTBOX_PUBLISHER", "relay")
    from bench.common import seeded_database

    seeded_database(SIZE)
    from django.contrib.auth.models import User
    from django.db import connections

    from claims.money.models import Settlement, SettlementState
    from claims.money.services import settlement_approve
    from claims.money.tasks import approval_reads

    by = User.objects.get(username="bench-lead")  # a team lead: every seeded amount is in reach
    ids = list(Settlement.objects.filter(state=SettlementState.PROPOSED).order_by("pk")
               .values_list("pk", flat=True)[:WARMUP + COUNT])
    if len(ids) < WARMUP + 20:
        raise SystemExit(f"bench: the book has {len(ids)} proposed settlements left, at least "
                         f"{WARMUP + 20} are needed (drop its database to seed a new one)")
    walls, cpus, decided = [], [], {}
    for index, settlement_id in enumerate(ids):
        wall, cpu = time.perf_counter(), time.process_time()
        settlement, user = approval_reads(settlement_id=settlement_id, user_id=by.pk)
        state = settlement_approve(settlement=settlement, by=user).state
        if index >= WARMUP:
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            decided[state] = decided.get(state, 0) + 1
    connections.close_all()
    wall_ms, cpu_ms = statistics.median(walls) * 1000, statistics.median(cpus) * 1000
    p95_ms = sorted(walls)[int(0.95 * len(walls))] * 1000
    print(f"bench/book_approvals.py: {SIZE:,} claims, {len(walls)} approvals of the book's "
          f"proposed settlements, one at a time in-process: median {wall_ms:.2f} ms wall, "
          f"{cpu_ms:.2f} ms CPU (p95 wall {p95_ms:.2f} ms); decided: "
          + ", ".join(f"{count} {state}" for state, count in sorted(decided.items())))


if __name__ == "__main__":
    main()
