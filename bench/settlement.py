"""Settlements committed per second: 1,000 claims spread over 10 policies, then 1,000 claims on
1 policy (every approval waits for the same insurance-year account lock: the contended case).

First in-process: ``settlement_approve`` called with 1 and THREADS threads on the contended
case, against the same work done in raw SQL in the same run (lock the account row, insert a
ledger row and a payment, update the account, the claim and the settlement), with the ratio of
the two rates (issue 17: at least 0.25). Then through Celery workers, also against raw SQL.
The contended cases run ROUNDS times (3) and their medians are compared: the machine's speed
varies from one minute to the next by more than the differences measured.

Runs on a throw-away database (``test_<name>`` on DATABASE_URL or the embedded PostgreSQL),
created with the migrations and dropped at the end, and on REDIS_URL (``make bench`` starts an
embedded Redis when it is unset). The claims, cost lines and proposals are written in bulk
(set-up, not measured). Then the settlements are approved as a team lead's bulk approval does
(``settlements_approve_in_background``: tasks of 25 settlements, each approved in its own
transaction) through the outbox and real Celery worker processes (WORKERS, prefork);
the clock runs from the commit that releases the tasks until every settlement is decided. The
payments those approvals enqueue are executed by the same workers meanwhile, as in production.

    make bench            # or: python bench/settlement.py  (WORKERS=4 CLAIMS=1000)
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

# The script's own folder must not shadow the standard library's ``http`` (bench/http.py).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CLAIMS_TESTING", "1")
# As in production (the test settings publish in the committing thread, to keep tests simple):
# the messages a commit releases go to the broker from the workers' relay.
os.environ.setdefault("OUTBOX_PUBLISHER", "relay")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402

from bench.common import wait_for_worker  # noqa: E402
from claims import roles  # noqa: E402
from claims.models import AdjusterProfile, Claim  # noqa: E402
from claims.money import tasks as _tasks  # noqa: E402,F401 - registers the task names
from claims.money.models import CostLine, Payment, Settlement, SettlementState  # noqa: E402
from claims.money.selectors import explanation, settlement_preview  # noqa: E402
from claims.money.services import (  # noqa: E402
    settlement_approve,
    settlements_approve_in_background,
)
from claims.money.services.settlements import BULK_APPROVAL_MAX  # noqa: E402
from claims.money.tasks import approval_reads  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from config.models import OutboxMessage  # noqa: E402
from coverage.models import CostCategory, LossType, Product  # noqa: E402
from policies.models import Industry, Policyholder  # noqa: E402
from policies.services import policy_create  # noqa: E402

WORKERS = int(os.environ.get("WORKERS", "4"))
THREADS = int(os.environ.get("THREADS", "8"))
CLAIMS = int(os.environ.get("CLAIMS", "1000"))
WARMUP = int(os.environ.get("WARMUP", "10"))  # untimed approvals per thread first
ROUNDS = int(os.environ.get("ROUNDS", "3"))  # in-process: rounds of approvals, then raw SQL
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


def _proposals(policies: list, by: User, tag: str, count: int | None = None) -> list[int]:
    """``count`` (CLAIMS) claims in the settlement state, round-robin over ``policies``, with
    one cost line and a proposal each (written in bulk: set-up, not measured)."""
    loss_type = LossType.objects.get(code="ransomware")
    restoration = CostCategory.objects.get(code="restoration")
    now = timezone.now()
    claims = []
    for index in range(CLAIMS if count is None else count):
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
    ids = [s.pk for s in Settlement.objects.bulk_create(settlements)]
    with connection.cursor() as cursor:  # after a bulk load, as autovacuum would (it may be off)
        cursor.execute("ANALYZE")
    return ids


def _database_url() -> str:
    db = connections["default"].settings_dict
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db["USER"] or "postgres", safe="")
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def start_workers(*, relay_only: bool = False) -> subprocess.Popen:
    """WORKERS Celery worker processes (one prefork pool) on the bench database. ``relay_only``:
    one process that runs no task (it consumes a queue nobody sends to), only its outbox relay,
    which hands the messages the approvals commit to the broker as in production."""
    env = dict(os.environ, DATABASE_URL=_database_url(), REDIS_URL=settings.REDIS_URL,
               CLAIMS_TESTING="1", EMBEDDED_REDIS="0",
               EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    name = f"bench-{'relay-' if relay_only else ''}{os.getpid()}@localhost"
    only = ["--queues", "bench-relay-only"] if relay_only else []
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
         "--concurrency", "1" if relay_only else str(WORKERS), "--hostname", name,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING",
         *only],
        cwd=Path(__file__).resolve().parent.parent, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for_worker(worker, name)
    return worker


def run_case(label: str, tag: str, policies: int, by: User) -> float:
    ids = _proposals(_policies(policies, by, tag), by, tag)
    began = time.perf_counter()
    # As the team lead's bulk approval (admin action, POST /api/settlements/approve/) does:
    # tasks of BULK_APPROVAL_CHUNK settlements, each approved in its own transaction.
    for start in range(0, len(ids), BULK_APPROVAL_MAX):
        settlements_approve_in_background(settlement_ids=ids[start:start + BULK_APPROVAL_MAX],
                                          by=by)
    pending = Settlement.objects.filter(pk__in=ids, state=SettlementState.PROPOSED)
    deadline = time.monotonic() + 900
    while pending.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {pending.count()} settlements still undecided after 900 s")
        time.sleep(0.05)
    elapsed = time.perf_counter() - began
    approved = Settlement.objects.filter(pk__in=ids, state__in=["approved", "paid"]).count()
    rate = approved / elapsed
    # The payments these approvals released are still being made: the next case starts once
    # they are, so that no case pays for another's work.
    unpaid = Payment.objects.filter(settlement_id__in=ids, status=Payment.Status.PENDING)
    while unpaid.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {unpaid.count()} payments still pending after 900 s")
        time.sleep(0.05)
    paid = time.perf_counter() - began
    print(f"{label:<28} {approved:>5} settlements committed in {elapsed:6.2f} s: "
          f"{rate:8.1f} settlements committed per second; every payment made after "
          f"{paid:6.2f} s ({approved / paid:6.1f} settlements paid per second)")
    return rate


def _in_threads(ids: list[int], threads: int, approve, warmup: list[int]) -> float:
    """Call ``approve(settlement_id)`` for every id from ``threads`` threads; returns the rate.
    Each thread first approves its share of ``warmup`` (a connection's first statements are
    compiled and prepared: production keeps its connections), then the clock starts."""
    shares = [ids[index::threads] for index in range(threads)]
    warmups = [warmup[index::threads] for index in range(threads)]
    errors: list[BaseException] = []
    ready = threading.Barrier(threads + 1)

    def each(settlement_ids: list[int]) -> None:
        try:
            for settlement_id in settlement_ids:
                approve(settlement_id)
        except BaseException as error:  # reported after the run
            errors.append(error)

    def work(share: list[int], first: list[int]) -> None:
        try:
            each(first)
        finally:
            ready.wait()
        try:
            each(share)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=work, args=(share, first))
               for share, first in zip(shares, warmups, strict=True)]
    for worker in workers:
        worker.start()
    ready.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise SystemExit(f"bench: {len(errors)} approvals failed, first: {errors[0]!r}")
    return len(ids) / elapsed


def approve_in_process(by_id: int):
    def approve(settlement_id: int) -> None:
        # The settlement and a fresh approver, read as the approval task reads them.
        settlement, by = approval_reads(settlement_id=settlement_id, user_id=by_id)
        if settlement_approve(settlement=settlement, by=by).state != SettlementState.APPROVED:
            raise RuntimeError(f"settlement {settlement_id} was not approved")
    return approve


def approve_raw_sql(by_id: int):
    """The same committed work as an approval, in hand-written SQL: the floor to compare with."""
    def approve(settlement_id: int) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT claim_id, account_id, proposed_payable FROM money_settlement "
                           "WHERE id = %s", [settlement_id])
            claim_id, account_id, amount = cursor.fetchone()
            cursor.execute('SELECT committed, "limit" FROM policies_insuranceyearaccount '
                           "WHERE id = %s FOR UPDATE", [account_id])
            committed, limit = cursor.fetchone()
            if committed + amount > limit:
                raise RuntimeError("aggregate exhausted")
            cursor.execute(
                "INSERT INTO money_ledgerentry (kind, amount, idempotency_key, reason, created_at,"
                " account_id, claim_id, created_by_id, settlement_id) VALUES ('commitment', %s,"
                " %s, '', now(), %s, %s, %s, %s)",
                [amount, f"raw-commit-{settlement_id}", account_id, claim_id, by_id,
                 settlement_id])
            cursor.execute(
                "INSERT INTO money_payment (payee_kind, payee_name, amount, idempotency_key,"
                " status, attempts, external_reference, void_reason, created_at, account_id,"
                " claim_id, settlement_id) VALUES ('policyholder', 'Bench GmbH', %s, %s,"
                " 'pending', 0, '', '', now(), %s, %s, %s)",
                [amount, f"raw-pay-{settlement_id}", account_id, claim_id, settlement_id])
            cursor.execute("UPDATE policies_insuranceyearaccount SET committed = committed + %s "
                           "WHERE id = %s", [amount, account_id])
            cursor.execute("UPDATE claims_claim SET state = 'settled', updated_at = now() "
                           "WHERE id = %s", [claim_id])
            cursor.execute(
                "UPDATE money_settlement SET state = 'approved', approved_amount = %s,"
                " deductible_taken = 0, decided_at = now(), decided_by_id = %s WHERE id = %s",
                [amount, by_id, settlement_id])
    return approve


def in_process_cases(by: User) -> dict[int, float]:
    """Approvals per second in-process and in raw SQL on the contended case, in ROUNDS rounds
    (each: the approvals, then the raw SQL, each on an account of its own), so that a slow
    spell of the machine weighs on one round, not on the figure: each round is printed, then
    the medians and the median of the rounds' ratios. Returns the raw SQL median rate by thread
    count (for the Celery comparison)."""
    raw_rates = {}
    for threads in sorted({1, THREADS}):
        label = f"{threads} thread{'s' if threads > 1 else ''}"
        rounds = []
        for number in range(1, ROUNDS + 1):
            cases = {}
            for tag, approve in (("P", approve_in_process(by.pk)),
                                 ("R", approve_raw_sql(by.pk))):
                tag = f"{tag}{threads}-{number}"
                ids = _proposals(_policies(1, by, tag), by, tag)
                warmup = _proposals(_policies(1, by, f"W{tag}"), by, f"W{tag}",
                                    count=WARMUP * threads)
                cases[tag[0]] = _in_threads(ids, threads, approve, warmup)
            rounds.append((cases["P"], cases["R"]))
            print(f"  round {number}, {label}: {cases['P']:8.1f} approvals/s; raw SQL "
                  f"{cases['R']:8.1f}/s; ratio {cases['P'] / cases['R']:5.2f}", flush=True)
        app_rate = statistics.median(app for app, _raw in rounds)
        raw_rate = statistics.median(raw for _app, raw in rounds)
        ratio = statistics.median(app / raw for app, raw in rounds)
        raw_rates[threads] = raw_rate
        print(f"in-process, 1 policy (contended), {label}: {app_rate:8.1f} approvals/s; raw "
              f"SQL {raw_rate:8.1f}/s (medians of {ROUNDS}); ratio {ratio:5.2f} "
              f"(median; target >= 0.25)", flush=True)
    return raw_rates


def main() -> None:
    if not settings.REDIS_URL:
        raise SystemExit("bench: needs REDIS_URL for real workers (make bench starts an "
                         "embedded Redis)")
    # A database of its own, so a test run on the same server never drops it.
    test = connections["default"].settings_dict.setdefault("TEST", {})
    test["NAME"] = f"{connections['default'].settings_dict['NAME']}_bench_settlement"
    old_config = setup_databases(verbosity=0, interactive=False)
    worker = None
    try:
        by = _adjuster()
        print(f"PostgreSQL {connections['default'].settings_dict['NAME']}, Redis, {CLAIMS} "
              f"claims per case")
        # The in-process cases run beside a worker that only relays: it hands the messages of
        # their approvals (payments, emails) to the broker, as production's relay does, but
        # runs none of them. They are dropped afterwards from the broker and from the outbox,
        # so that they do not reach the workers of the next cases.
        worker = start_workers(relay_only=True)
        connections.close_all()
        raw_rates = in_process_cases(by)
        stop_workers(worker)
        worker = None
        celery_app.control.purge()
        OutboxMessage.objects.all().delete()
        connections.close_all()
        worker = start_workers()
        print(f"through {WORKERS} Celery worker processes:")
        run_case("10 policies (spread)", "S", 10, by)
        rate = statistics.median(run_case(f"1 policy (contended) {number}", f"C{number}", 1, by)
                                 for number in range(1, ROUNDS + 1))
        threads = WORKERS if WORKERS in raw_rates else max(raw_rates)
        print(f"Celery, 1 policy (contended): {rate:8.1f} settlements/s (median of {ROUNDS}); "
              f"ratio to raw SQL ({threads} threads) {rate / raw_rates[threads]:5.2f} "
              "(target >= 0.25)")
    finally:
        if worker is not None:
            stop_workers(worker)
        connections.close_all()
        _end_other_sessions(connections["default"].settings_dict["NAME"])
        teardown_databases(old_config, verbosity=0)


def stop_workers(worker: subprocess.Popen) -> None:
    """Warm shutdown: the pool finishes its tasks first."""
    worker.terminate()
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)


def _end_other_sessions(name: str) -> None:
    """The bench's own leftovers (a publisher thread, a worker's child that outlived its pool)
    may still hold a session on the throw-away database: end them so it can be dropped."""
    with connections["default"]._nodb_cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                       "WHERE datname = %s AND pid <> pg_backend_pid()", [name])


if __name__ == "__main__":
    main()
