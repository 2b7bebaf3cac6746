"""Fault run: what users see while Redis, a worker or PostgreSQL fails, and what is lost or done
twice afterwards. Figures to compare over time; every column but "attempted" and "answered"
should read 0.

A production-like stack of its own (``tests/integration/stack.py``: throwaway PostgreSQL and
Redis on free ports, gunicorn with 2 workers, one Celery worker) takes a steady load: emergency
reports through the API (each must lead to one receipt email and one proposed forensics job),
sign-ins and health probes. Each fault lasts ``FAULT_SECONDS`` under that load:

- worker killed (SIGKILL) and started again after the window;
- no worker running during the window (``/healthz`` must say so);
- Redis restarted (everything queued in it lost) with the worker down;
- Redis frozen (SIGSTOP) for the window;
- PostgreSQL stopped for the window (503 "try again" counts as answered, not failed).

Columns: attempted, answered (an HTTP answer within 2 s), failed (a 5xx other than 503, or no
answer), hung (answered after more than 2 s, or not at all), lost (a report accepted with 201
whose receipt or emergency job never came), duplicated (a receipt or a job more than once), and
recovery (seconds from the end of the fault until every task had run; a task held by a killed
worker is sent again after ``OUTBOX_CONFIRM_AFTER``, 15 s here, 120 s by default).

    make bench            # or: python bench/faults.py   (FAULT_SECONDS=5 RATE=5)
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.integration.stack import Stack  # noqa: E402

FAULT_SECONDS = float(os.environ.get("FAULT_SECONDS", "5"))
RATE = float(os.environ.get("RATE", "5"))  # reports per second
HUNG_AFTER = 2.0


@dataclass
class Tally:
    attempted: int = 0
    answered: int = 0
    failed: int = 0
    hung: int = 0
    accepted: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, status: int, seconds: float, number: str | None = None) -> None:
        with self.lock:
            self.attempted += 1
            if status and seconds <= HUNG_AFTER:
                self.answered += 1
            if seconds > HUNG_AFTER or not status:
                self.hung += 1
            if not status or (status >= 500 and status != 503):
                self.failed += 1
            if number:
                self.accepted.append(number)


class Load:
    """Reports at RATE/s, a sign-in and a health probe every second, on threads."""

    def __init__(self, stack: Stack):
        self.stack, self.tally, self.stop = stack, Tally(), threading.Event()
        self.threads: list[threading.Thread] = []
        self.sequence = 0

    def _report(self):
        while not self.stop.is_set():
            self.sequence += 1
            status, _, body, seconds = self.stack.request(
                "/api/me/claims/", method="POST", token=self.stack.token, timeout=10,
                data={"policy": self.stack.data["policy"], "loss_type": "ransomware",
                      "loss_date": (date.today() - timedelta(days=1)).isoformat(),
                      "emergency": True,
                      "description": f"Bench {self.sequence}-{time.monotonic_ns()}: systems "
                                     f"encrypted, note {self.sequence * 104729}"})
            number = body.get("number") if status == 201 and isinstance(body, dict) else None
            self.tally.record(status, seconds, number)
            self.stop.wait(max(0.0, 1 / RATE - seconds))

    def _other(self, path: str, method: str, data: dict | None):
        health = path == "/healthz"  # probes go to gunicorn's master (HEALTH_PORT), as in compose
        while not self.stop.is_set():
            status, _, _, seconds = self.stack.request(path, method=method, data=data, timeout=10,
                                                       health=health)
            # a health probe answering 503 during a fault is the truth, not a failure
            self.tally.record(200 if status == 503 and path == "/healthz" else status, seconds)
            self.stop.wait(max(0.0, 1.0 - seconds))

    def __enter__(self):
        login = {"username": self.stack.data["holder"], "password": self.stack.data["password"]}
        targets = [(self._report, ()), (self._other, ("/api/auth/token/", "POST", login)),
                   (self._other, ("/healthz", "GET", None))]
        for target, args in targets:
            thread = threading.Thread(target=target, args=args, daemon=True)
            thread.start()
            self.threads.append(thread)
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)


def outbox_waiting(stack: Stack) -> int:
    rows = stack.postgres.query(
        "SELECT count(*) FROM infra_outboxmessage WHERE status IN ('pending', 'sent')")
    return rows[0][0]


def effects(stack: Stack, numbers: list[str]) -> tuple[int, int]:
    """(lost, duplicated) receipts and emergency jobs of the accepted reports."""
    if not numbers:
        return 0, 0
    jobs = dict(stack.postgres.query(
        "SELECT c.number, count(j.id) FROM claims_claim c LEFT JOIN vendors_vendorjob j "
        "ON j.claim_id = c.id AND j.emergency WHERE c.number = ANY(%s) GROUP BY c.number",
        (numbers,)))
    receipts = Counter(subject.split()[2] for subject in stack.emails()
                       if subject.endswith("has been received"))
    lost = sum(1 for n in numbers if not jobs.get(n)) + sum(1 for n in numbers if not receipts[n])
    duplicated = (sum(1 for n in numbers if jobs.get(n, 0) > 1)
                  + sum(1 for n in numbers if receipts[n] > 1))
    return lost, duplicated


def settle(stack: Stack, numbers: list[str], timeout: float = 60) -> float:
    """Seconds until every task has run and every accepted report has its effects."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if outbox_waiting(stack) == 0 and effects(stack, numbers)[0] == 0:
                return time.monotonic() - started
        except Exception:  # the database is still coming back
            pass
        time.sleep(0.2)
    return float("nan")


def live_worker(stack: Stack):
    return next((w for w in stack.workers if w.poll() is None), None)


def fault_worker_killed(stack: Stack):
    stack.kill_worker(live_worker(stack))
    time.sleep(FAULT_SECONDS)
    stack.start_worker()


def fault_no_worker(stack: Stack):
    stack.kill_worker(live_worker(stack))
    time.sleep(FAULT_SECONDS)
    status, _, body, _ = stack.request("/healthz", health=True)
    fault_no_worker.health_said = (status == 503 and body["workers"]["status"] == "down")
    stack.start_worker()


def fault_redis_restarted(stack: Stack):
    stack.kill_worker(live_worker(stack))
    time.sleep(FAULT_SECONDS)  # tasks pile up in Redis
    stack.redis.stop()
    stack.redis.start()
    stack.start_worker()


def fault_redis_frozen(stack: Stack):
    stack.redis.freeze()
    time.sleep(FAULT_SECONDS)
    stack.redis.thaw()


def fault_postgres_stopped(stack: Stack):
    stack.postgres.stop("fast")
    time.sleep(FAULT_SECONDS)
    stack.postgres.start()


FAULTS = [
    ("worker killed", fault_worker_killed),
    ("no worker", fault_no_worker),
    ("Redis restarted", fault_redis_restarted),
    ("Redis frozen", fault_redis_frozen),
    ("PostgreSQL stopped", fault_postgres_stopped),
]


def main() -> int:
    if not shutil.which("redis-server"):
        print("bench/faults.py needs redis-server and PostgreSQL's pg_ctl", file=sys.stderr)
        return 2
    root = Path(tempfile.mkdtemp(prefix="claims-fault-bench-"))
    root.chmod(0o755)
    # a task held by a killed worker is sent again after this (production: 120 s)
    stack = Stack(root, OUTBOX_CONFIRM_AFTER=os.environ.get("OUTBOX_CONFIRM_AFTER", "15"))
    rows = []
    try:
        stack.start()
        stack.data = stack.setup("base")
        stack.start_web()
        stack.start_worker()
        stack.wait_http("/healthz", accept=(200,), timeout=60, health=True)
        status, _, body, _ = stack.request("/api/auth/token/", method="POST", data={
            "username": stack.data["holder"], "password": stack.data["password"]})
        stack.token = body["token"]
        for name, fault in [("baseline (no fault)", lambda s: time.sleep(FAULT_SECONDS)),
                            *FAULTS]:
            with Load(stack) as load:
                time.sleep(1)
                fault(stack)
                time.sleep(1)
            tally = load.tally
            recovery = settle(stack, tally.accepted)
            lost, duplicated = effects(stack, tally.accepted)
            rows.append((name, tally.attempted, tally.answered, tally.failed, tally.hung, lost,
                         duplicated, recovery))
            print(f"  {name}: done", file=sys.stderr, flush=True)
    finally:
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)
    header = (f"{'fault':<22}{'attempted':>10}{'answered':>10}{'failed':>8}{'hung':>6}"
              f"{'lost':>6}{'duplicated':>12}{'recovery s':>12}")
    print(f"\nFault run: {FAULT_SECONDS:.0f} s per fault, {RATE:.0f} reports/s + sign-ins + "
          "health probes (all but attempted/answered should be 0)")
    print(header)
    print("-" * len(header))
    for name, attempted, answered, failed, hung, lost, duplicated, recovery in rows:
        print(f"{name:<22}{attempted:>10}{answered:>10}{failed:>8}{hung:>6}{lost:>6}"
              f"{duplicated:>12}{recovery:>12.1f}")
    said = getattr(fault_no_worker, "health_said", None)
    print(f"\n/healthz named the missing worker: {'yes' if said else 'NO'}")
    bad = sum(row[3] + row[4] + row[5] + row[6] for row in rows)
    return 0 if bad == 0 and said else 1


if __name__ == "__main__":
    raise SystemExit(main())
