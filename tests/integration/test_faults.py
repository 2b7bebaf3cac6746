"""Faults injected into a production-like stack of its own (``stack.Stack``): throwaway PostgreSQL
and Redis servers on free ports, gunicorn with 2 workers, a Celery worker. Nothing is lost, nothing
is done twice, no request hangs, and the health check tells the truth.

The tests share one stack and run in the order written (each leaves it running and healthy).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest

from claims import roles
from tests.integration.stack import Stack

pytestmark = pytest.mark.integration

# The policyholders and adjusters have chosen no language: their emails are in German.
REPORT_SUBJECT = "ist eingegangen"  # "Your claim ... has been received"
EMERGENCY_SUBJECT = "NOTFALL-Schaden"  # "EMERGENCY claim ..."
PAID_SUBJECT = "wurde ausgezahlt"  # "Your claim ... has been paid"


def needs_servers():
    missing = [tool for tool in ("redis-server", "runuser") if not shutil.which(tool)]
    if missing:
        pytest.skip(f"fault tests need {', '.join(missing)}")


@pytest.fixture(scope="module")
def stack():
    needs_servers()
    root = Path(tempfile.mkdtemp(prefix="claims-faults-"))
    root.chmod(0o755)  # the postgres user must reach its data folder
    stack = Stack(root)
    try:
        stack.start()
        stack.data = stack.setup("base")
        stack.start_web()
        status, _, body, _ = stack.request(
            "/api/auth/token/", method="POST",
            data={"username": stack.data["holder"], "password": stack.data["password"]},
        )
        assert status == 200, body
        stack.token = body["token"]
        yield stack
    finally:
        stack.stop()
        shutil.rmtree(root, ignore_errors=True)


def wait_until(predicate, *, timeout: float, every: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(every)
    pytest.fail(f"{what} not met within {timeout} s")


def report(stack, number: int, *, emergency: bool = True, timeout: float = 10):
    return stack.request(
        "/api/me/claims/", method="POST", token=stack.token, timeout=timeout,
        data={"policy": stack.data["policy"], "loss_type": "ransomware",
              "loss_date": (date.today() - timedelta(days=1)).isoformat(), "emergency": emergency,
              "description": f"Fault run {number}-{time.monotonic_ns()}: encrypted servers, "
                             f"ransom note number {number * 7919} on every screen"},
    )


def outbox_counts(stack) -> dict[str, int]:
    return dict(stack.postgres.query(
        "SELECT status, count(*) FROM infra_outboxmessage GROUP BY status"))


def all_done(stack) -> bool:
    counts = outbox_counts(stack)
    return not (counts.get("pending") or counts.get("sent")) and not counts.get("failed")


def emergency_jobs_per_claim(stack, numbers: list[str]) -> list[int]:
    rows = dict(stack.postgres.query(
        "SELECT c.number, count(j.id) FROM claims_claim c "
        "LEFT JOIN vendors_vendorjob j ON j.claim_id = c.id AND j.emergency "
        "WHERE c.number = ANY(%s) GROUP BY c.number", (numbers,)))
    return [rows.get(number, 0) for number in numbers]


def subjects_about(stack, numbers: list[str], marker: str) -> list[int]:
    emails = [subject for subject in stack.emails() if marker in subject]
    return [sum(1 for subject in emails if number in subject) for number in numbers]


def test_no_worker_running_the_health_check_says_so(stack):
    for health in (False, True):  # the site's /healthz and the master's HEALTH_PORT
        status, _, body, _ = stack.request("/healthz", health=health)
        assert status == 503, body
        assert body["workers"]["status"] == "down"
        assert "worker" in body["errors"]["workers"]
        assert body["database"] == "ok" and body["broker"] == "ok"

    stack.start_worker()
    body = stack.wait_http("/healthz", accept=(200,), timeout=30, health=True)
    assert body["workers"]["alive"] == 1


def test_a_worker_killed_right_after_a_payment_committed_still_sends_the_paid_email_once(stack):
    for worker in stack.workers:
        stack.kill_worker(worker)
    # approved: its payment task waits in Redis (handed over at the approval's commit)
    made = stack.setup("payment", OUTBOX_PUBLISHER="inline")
    dying = stack.start_worker(dying=True)  # pays, commits, and is killed at that moment
    dying.wait(timeout=60)
    assert dying.returncode == -9
    [(status,)] = stack.postgres.query("SELECT status FROM money_payment WHERE id = %s",
                                       (made["payment"],))
    assert status == "paid"
    assert PAID_SUBJECT not in " ".join(stack.emails())  # nothing went out before the crash

    stack.start_worker()
    wait_until(lambda: PAID_SUBJECT in " ".join(stack.emails()), timeout=20, what="paid email")
    wait_until(lambda: not stack.postgres.query(
        "SELECT 1 FROM infra_outboxmessage WHERE task_name = 'config.email_send' "
        "AND status <> 'done'"), timeout=20, what="emails done")
    time.sleep(1)
    assert subjects_about(stack, [made["claim"]], PAID_SUBJECT) == [1]
    ledger = stack.postgres.query(
        "SELECT count(*) FROM money_ledgerentry WHERE payment_id = %s AND kind = 'payment'",
        (made["payment"],))
    assert ledger == [(1,)]


def test_redis_restarted_with_tasks_queued_every_effect_happens_once(stack):
    for worker in stack.workers:
        stack.kill_worker(worker)
    numbers = []
    for number in range(5):
        status, _, body, _ = report(stack, number)
        assert status == 201, body
        numbers.append(body["number"])
    # a worker's relay hands them to Redis (the worker itself runs none of them), then dies
    relay = stack.start_worker(relay_only=True)
    wait_until(lambda: outbox_counts(stack).get("sent", 0) >= 15
               and not outbox_counts(stack).get("pending"), timeout=15, what="tasks in Redis")
    stack.kill_worker(relay)
    assert stack.redis.queued() >= 15  # 5 x (receipt, emergency alert, job proposal)

    stack.redis.stop()  # everything queued in it is gone
    stack.redis.start()
    assert stack.redis.queued() == 0

    started = time.monotonic()
    stack.start_worker()
    wait_until(lambda: all(n == 1 for n in emergency_jobs_per_claim(stack, numbers)),
               timeout=30, what="one emergency job per claim")
    wait_until(lambda: all_done(stack), timeout=30, what="outbox drained")
    recovered = time.monotonic() - started
    time.sleep(1.5)  # anything sent twice would have run by now
    assert emergency_jobs_per_claim(stack, numbers) == [1] * 5
    assert subjects_about(stack, numbers, REPORT_SUBJECT) == [1] * 5
    # one alert per adjuster and claim (each adjuster gets it in their language)
    adjusters = len(stack.postgres.query(
        "SELECT DISTINCT u.id FROM auth_user u JOIN auth_user_groups ug ON ug.user_id = u.id "
        "JOIN auth_group g ON g.id = ug.group_id WHERE g.name = %s AND u.is_active "
        "AND u.email <> ''", (roles.ADJUSTERS,)))
    assert adjusters >= 1
    assert subjects_about(stack, numbers, EMERGENCY_SUBJECT) == [adjusters] * 5
    # well before the confirmation timeout (OUTBOX_CONFIRM_AFTER, 60 s here): the relay noticed
    # the new Redis
    assert recovered < 30, recovered


def test_redis_frozen_requests_answer_within_two_seconds_and_nothing_is_lost(stack):
    stack.redis.freeze()
    try:
        def call(index: int):
            if index % 3 == 0:
                return stack.request("/healthz", timeout=10)
            if index % 3 == 1:
                return stack.request("/api/auth/token/", method="POST", timeout=10, data={
                    "username": stack.data["holder"], "password": stack.data["password"]})
            return report(stack, 100 + index)

        with ThreadPoolExecutor(max_workers=2) as pool:  # as many as gunicorn has workers
            results = list(pool.map(call, range(12)))
        time.sleep(0.5)
    finally:
        stack.redis.thaw()
    slow = [(status, round(seconds, 2)) for status, _, _, seconds in results if seconds > 2]
    assert not slow, slow
    statuses = [status for status, *_ in results]
    assert statuses[1::3] == [200] * 4  # sign-in works (the cache fails open)
    assert statuses[2::3] == [201] * 4  # reports are taken
    numbers = [body["number"] for status, _, body, _ in results[2::3]]

    started = time.monotonic()
    wait_until(lambda: all_done(stack), timeout=20, what="held-back tasks sent")
    assert time.monotonic() - started < 15  # as soon as the broker answers, not after a sweep
    wait_until(lambda: all(n == 1 for n in subjects_about(stack, numbers, REPORT_SUBJECT)),
               timeout=10, what="receipts")
    time.sleep(1)
    assert subjects_about(stack, numbers, REPORT_SUBJECT) == [1] * 4
    assert emergency_jobs_per_claim(stack, numbers) == [1] * 4


def test_postgresql_stopped_answers_503_and_recovers_within_a_second(stack):
    stack.postgres.stop("fast")
    try:
        status, headers, body, seconds = stack.request("/api/me/claims/", token=stack.token)
        assert status == 503, body
        assert set(body["error"]) == {"code", "message", "fields"}
        assert body["error"]["code"] == "service_unavailable"
        assert int(headers["Retry-After"]) > 0
        assert seconds < 2

        # a signed-in policyholder's page (the session is looked up in the database)
        session = {"Cookie": "sessionid=" + "k" * 32, "Accept-Language": "en"}
        status, headers, page, _ = stack.request("/portal/", headers=session)
        assert status == 503
        assert "try again in a moment" in page and "Retry-After" in headers
        status, headers, page, _ = stack.request(
            "/portal/", headers={**session, "Accept-Language": "de-DE,de"})
        assert status == 503 and 'lang="de"' in page
        assert "Bitte versuchen Sie es gleich noch einmal" in page

        status, _, body, _ = stack.request("/healthz", health=True)
        assert status == 503
        assert body["database"] == "unreachable" and "database" in body["errors"]
    finally:
        stack.postgres.start()  # returns once it accepts connections
    answered = time.monotonic()
    while stack.request("/api/me/claims/", token=stack.token, timeout=5)[0] != 200:
        assert time.monotonic() - answered < 1.0, "the API did not recover within a second"
        time.sleep(0.02)
    assert time.monotonic() - answered < 1.0
    assert stack.wait_http("/healthz", accept=(200,), timeout=15, health=True)["status"] == "ok"
