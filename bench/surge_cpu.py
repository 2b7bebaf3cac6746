"""CPU time per request of the surge's parts, in-process, one at a time (``bench/surge.py``'s
requests and work through Django's request handler, so two versions of the code can be compared
on a busy machine): ``/healthz``; the policyholder's report under the event (the token, 202);
the adjuster's admin claim list (the session with a verified second factor); and the worker's
registration of the received reports (CPU per report).

On a throw-away database made with the migrations and seeded as ``bench/surge.py`` does.
PROFILE=<part of a name> runs that part under cProfile and prints the top functions.

    python bench/surge_cpu.py    (ROUNDS=300 HOLDERS=200 CLAIMS=1000 ONLY=report,register)
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import json  # noqa: E402
import os  # noqa: E402
import uuid  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import surge  # noqa: E402  (sets Django up as the surge bench does)

ROUNDS = int(os.environ.get("ROUNDS", "300"))
ONLY = [name for name in os.environ.get("ONLY", "").split(",") if name]
PROFILE = os.environ.get("PROFILE", "")


def _measure(name: str, call, rounds: int) -> None:
    from django.db import connection

    from bench.common import cpu_run, print_profile

    if ONLY and not any(part in name for part in ONLY):
        return
    for index in range(10):  # warm-up: imports, compiled statements
        call(index)
    if os.environ.get("SQL"):  # the statements of one call
        def show(execute, sql, params, many, context):
            print(f"    {sql[:400]}")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(show):
            call(0)
    run = cpu_run(call, range(10, 10 + rounds), profile=bool(PROFILE and PROFILE in name))
    _line(name, run, rounds)
    if run.profile:
        print_profile(run.profile, os.environ.get("PROFILE_OUT", "/tmp/surge_cpu.prof"))


def _line(name: str, run, done: int) -> None:
    print(f"{name:<34} {run.cpu / done * 1000:>8.2f} {run.wall / done * 1000:>8.2f} "
          f"{run.statements / done:>6.1f}", flush=True)


def _register(report, count: int) -> None:
    """Receive ``count`` reports (not measured), then register them as the beat task does."""
    from bench.common import cpu_run, print_profile
    from claims.events.models import EventReport
    from claims.events.services import event_reports_register

    for index in range(10):
        report(index)
    event_reports_register()  # warm-up
    for index in range(count):
        report(index)
    done = []
    run = cpu_run(lambda _index: done.append(event_reports_register()), [0],
                  profile=bool(PROFILE and PROFILE in "worker: register"))
    assert done == [count], (done, count)
    assert not EventReport.objects.filter(status=EventReport.Status.RECEIVED).exists()
    _line("worker: register, per report", run, count)
    if run.profile:
        print_profile(run.profile, os.environ.get("PROFILE_OUT", "/tmp/surge_cpu.prof"))


def main() -> None:
    from datetime import timedelta

    from django.db import connections
    from django.test import Client
    from django.test.utils import setup_databases, teardown_databases
    from django.utils import timezone

    from claims.events.services import event_declare
    from config.models import WorkerHeartbeat
    from coverage.models import LossType

    db = connections["default"].settings_dict
    db.setdefault("TEST", {})["NAME"] = f"bench_surge_cpu_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        adjusters = surge._adjusters(2)
        holders = surge._holders(surge.HOLDERS, adjusters[0])
        surge._book(surge.CLAIMS, [policy for _token, policy in holders], adjusters[0])
        event = event_declare(
            by=adjusters[0], name="Bench: FileBridge campaign", kind="malware_campaign",
            starts_at=timezone.now() - timedelta(days=1), software=["FileBridge MFT"],
            loss_types=list(LossType.objects.filter(code="ransomware")),
        )
        cookie = surge._session_cookie(adjusters[0])
        # /healthz wants a live worker: a heartbeat from the far future stands in for one.
        WorkerHeartbeat.objects.create(hostname="bench-surge-cpu", seen_at=timezone.now()
                                       + timedelta(days=1))
        today = timezone.localdate().isoformat()
        report_path = f"/api/me/events/{event.pk}/claims/"
        client = Client()

        def healthz(_index):
            response = client.get("/healthz")
            assert response.status_code == 200, response.content[:300]

        def report(index):
            token, policy = holders[index % len(holders)]
            response = client.post(report_path, json.dumps({
                "policy": policy, "loss_date": today,
                "description": f"Hit by the FileBridge campaign ({uuid.uuid4().hex[:8]}): "
                               "servers encrypted, ransom note on every screen.",
            }), content_type="application/json", HTTP_AUTHORIZATION=f"Token {token}",
                HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex)
            assert response.status_code == 202, response.content[:300]

        def claim_list(_index):
            response = client.get("/admin/claims/claim/", HTTP_COOKIE=cookie)
            assert response.status_code == 200, response.content[:300]

        print(f"bench/surge_cpu.py: {ROUNDS} requests per part, one at a time, in-process")
        print(f"{'part':<34} {'CPU ms':>8} {'wall ms':>8} {'SQL':>6}")
        _measure("trivial (/healthz)", healthz, ROUNDS)
        _measure("report under the event (202)", report, ROUNDS)
        _measure("admin claim list", claim_list, max(ROUNDS // 5, 10))
        if not ONLY or any(part in "worker: register" for part in ONLY):
            _register(report, int(os.environ.get("REPORTS", "300")))
    finally:
        connections.close_all()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
