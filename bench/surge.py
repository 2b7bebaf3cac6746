"""Surge intake: policyholders report under an open cyber event while adjusters browse.

Measures, against a real HTTP server (gunicorn, WEB_WORKERS processes x THREADS threads) on a
throw-away database (created with the migrations, seeded here, dropped at the end):

1. baseline: the trivial endpoint (``/healthz``) alone, CLIENTS concurrent clients, SECONDS;
   and the admin claim list alone (its p95 without a surge);
2. surge: CLIENTS clients post reports under the event through the policyholder API
   (``POST /api/me/events/<id>/claims/`` with an Idempotency-Key: checked and received at once,
   202) while BROWSERS adjusters reload the admin claim list, and WORKERS Celery worker
   processes (with beat) register the reports as claims (the same report service and rules as
   every claim);
3. drain: the time until every received report is a claim linked to the event.

For the cause of a low ratio it also prints the report path alone (nobody browsing).

It prints reports per second, the ratio to the trivial endpoint's requests per second in the same
run (target: at least 0.3), the p95 of the admin claim list during the surge, and the rate at
which the workers registered the claims. Every response must be the expected one (202 / 200),
and every report must end as a linked claim, or the bench fails.

    python bench/surge.py   (CLIENTS=8 SECONDS=10 BROWSERS=2 WORKERS=1 HOLDERS=200 CLAIMS=1000)

Needs REDIS_URL (the reports' tasks go to real workers); the server listens on PORT (8517).
"""

from __future__ import annotations

import sys
from pathlib import Path

# The script's own folder must not shadow the standard library's ``http`` (bench/http.py).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402
from urllib.parse import quote  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("CLAIMS_TESTING", "1")
# One key for this process and the server's, so the adjusters' sessions hold in both.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(40))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connections  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import timezone  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from bench.common import wait_for_worker  # noqa: E402
from claims import roles  # noqa: E402
from claims.events import tasks as _tasks  # noqa: E402,F401 - registers the task names
from claims.events.models import EventReport  # noqa: E402
from claims.events.services import event_declare  # noqa: E402
from claims.models import AdjusterProfile, Claim  # noqa: E402
from config.celery import app as celery_app  # noqa: E402
from config.outbox import outbox_sweep  # noqa: E402
from coverage.models import LossType, Product  # noqa: E402
from policies.models import Industry, Policyholder  # noqa: E402
from policies.services import policy_create  # noqa: E402

CLIENTS = int(os.environ.get("CLIENTS", "8"))
SECONDS = float(os.environ.get("SECONDS", "10"))
BROWSERS = int(os.environ.get("BROWSERS", "2"))
HOLDERS = int(os.environ.get("HOLDERS", "200"))
CLAIMS = int(os.environ.get("CLAIMS", "1000"))
PORT = int(os.environ.get("PORT", "8517"))  # this helper's range: 8500-8599
WEB_WORKERS = int(os.environ.get("WEB_WORKERS", "2"))
WORKERS = int(os.environ.get("WORKERS", "1"))
THREADS = int(os.environ.get("THREADS", "4"))
HOST = "127.0.0.1"
BEAT_SCHEDULE = f"/tmp/bench-surge-beat-{os.getpid()}"
SERVER_LOG = os.environ.get("SERVER_LOG", os.devnull)  # the server's errors, if you want them


# --- seeding (set-up, not measured) ----------------------------------------------------------


def _adjusters(count: int) -> list[User]:
    group = Group.objects.get(name=roles.ADJUSTERS)
    users = []
    for index in range(count):
        user, _ = User.objects.get_or_create(username=f"bench-adjuster-{index}",
                                             defaults={"is_staff": True})
        user.groups.add(group)
        AdjusterProfile.objects.get_or_create(user=user)
        users.append(user)
    return users


def _holders(count: int, by: User) -> list[tuple[str, int]]:
    """``count`` policyholders, each with a login, an API token and a cyber policy."""
    product = Product.objects.get(code="cyber")
    result = []
    for index in range(count):
        user = User.objects.create_user(username=f"bench-holder-{index}", password=None)
        holder = Policyholder.objects.create(
            user=user, company_name=f"Surge {index} GmbH", email=f"surge-{index}@example.com",
            industry=Industry.IT_SERVICES, annual_revenue=Decimal("90000.00"),
        )
        policy = policy_create(
            policyholder=holder, product=product,
            start_date=timezone.localdate() - timedelta(days=60), term_years=1,
            deductible=Decimal("1000.00"), sections={"cyber_own_damage": Decimal("250000")},
            created_by=by,
        )
        result.append((AuthToken.objects.create(user=user)[1], policy.pk))
    return result


def _book(count: int, policies: list[int], by: User) -> None:
    """``count`` earlier claims, so the adjusters' list is not empty (bulk, no history)."""
    loss_type = LossType.objects.get(code="hacking")
    now = timezone.now()
    Claim.objects.bulk_create([
        Claim(number=f"1990-{index:06d}", policy_id=policies[index % len(policies)],
              loss_type=loss_type, loss_date=timezone.localdate() - timedelta(days=30),
              reported_at=now - timedelta(minutes=index), reported_by=by,
              description=f"Earlier incident {index}: phishing mail and a locked account.")
        for index in range(count)
    ], batch_size=500)


def _session_cookie(user: User) -> str:
    from bench.common import signed_in_session

    return f"{settings.SESSION_COOKIE_NAME}={signed_in_session(user)}"


# --- the server --------------------------------------------------------------------------------


def _database_url() -> str:
    db = connections["default"].settings_dict
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    user = quote(db["USER"] or "postgres", safe="")
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


def start_server() -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=_database_url(), CLAIMS_TESTING="1",
               EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"{HOST}:{PORT}",
         "--workers", str(WEB_WORKERS), "--threads", str(THREADS), "--worker-class", "gthread",
         "--log-level", "warning"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=open(SERVER_LOG, "w"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            status, _ = _get(http.client.HTTPConnection(HOST, PORT, timeout=5), "/healthz", {})
            if status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"bench: the server did not start on port {PORT}")
        time.sleep(0.2)


def start_workers() -> subprocess.Popen:
    """WORKERS Celery worker processes with beat on the bench database: beat's
    ``events.event_reports_register`` (every 5 s) registers the received reports."""
    env = dict(os.environ, DATABASE_URL=_database_url(), REDIS_URL=settings.REDIS_URL,
               CLAIMS_TESTING="1", EMBEDDED_REDIS="0",
               EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend")
    name = f"bench-surge-{os.getpid()}@localhost"
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork",
         "--concurrency", str(WORKERS), "--hostname", name, "--without-gossip",
         "--beat", "--schedule", BEAT_SCHEDULE,
         "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=ROOT, env=env, start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    wait_for_worker(worker, name)
    return worker


def _stop(process: subprocess.Popen | None) -> None:
    if process is None:
        return
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def _get(connection, path: str, headers: dict) -> tuple[int, bytes]:
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    return response.status, response.read()


def _post(connection, path: str, body: dict, headers: dict) -> tuple[int, bytes]:
    connection.request("POST", path, body=json.dumps(body),
                       headers={"Content-Type": "application/json", **headers})
    response = connection.getresponse()
    return response.status, response.read()


# --- load --------------------------------------------------------------------------------------


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def add(self, seconds: float, status: int, expected: int, body: bytes) -> None:
        with self.lock:
            if status == expected:
                self.latencies.append(seconds)
            elif len(self.errors) < 5:
                self.errors.append(f"{status}: {body[:200]!r}")
            elif len(self.errors) == 5:
                self.errors.append("...")

    def p95_ms(self) -> float:
        if len(self.latencies) < 2:
            return float("nan")
        return statistics.quantiles(self.latencies, n=20)[-1] * 1000


def _loop(stop: threading.Event, recorder: Recorder, call, expected: int) -> None:
    connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
    while not stop.is_set():
        began = time.perf_counter()
        try:
            status, body = call(connection)
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
            status, body = 0, str(error).encode()
        recorder.add(time.perf_counter() - began, status, expected, body)
    connection.close()


def run(groups: list[tuple[int, object, int]], seconds: float) -> list[Recorder]:
    """Run each group (threads, call, expected status) for ``seconds``; one recorder each."""
    stop = threading.Event()
    recorders, threads = [], []
    for count, call, expected in groups:
        recorder = Recorder()
        recorders.append(recorder)
        for index in range(count):
            threads.append(threading.Thread(
                target=_loop, args=(stop, recorder, call(index), expected), daemon=True))
    for thread in threads:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    for recorder in recorders:
        if recorder.errors:
            raise SystemExit(f"bench: unexpected responses (group {recorders.index(recorder)}): "
                             f"{recorder.errors}")
    return recorders


def main() -> None:
    if not settings.REDIS_URL:
        raise SystemExit("bench: needs REDIS_URL (the reports are registered by real workers)")
    db = connections["default"].settings_dict
    db.setdefault("TEST", {})["NAME"] = f"bench_surge_{os.getpid()}"
    old_config = setup_databases(verbosity=0, interactive=False)
    server = worker = None
    try:
        adjusters = _adjusters(max(BROWSERS, 1))
        holders = _holders(HOLDERS, adjusters[0])
        _book(CLAIMS, [policy for _token, policy in holders], adjusters[0])
        event = event_declare(
            by=adjusters[0], name="Bench: FileBridge campaign", kind="malware_campaign",
            starts_at=timezone.now() - timedelta(days=1), software=["FileBridge MFT"],
            loss_types=list(LossType.objects.filter(code="ransomware")),
        )
        cookies = [_session_cookie(user) for user in adjusters]
        connections.close_all()
        celery_app.control.purge()
        # The workers first: /healthz, which tells that the server is up, wants a live worker.
        worker = start_workers()
        server = start_server()
        today = timezone.localdate().isoformat()
        report_path = f"/api/me/events/{event.pk}/claims/"
        list_path = "/admin/claims/claim/"

        def trivial(_index):
            return lambda connection: _get(connection, "/healthz", {})

        def browse(index):
            headers = {"Cookie": cookies[index % len(cookies)]}
            return lambda connection: _get(connection, list_path, headers)

        def report(index):
            def call(connection):
                token, policy = holders[secrets.randbelow(len(holders))]
                return _post(connection, report_path, {
                    "policy": policy, "loss_date": today,
                    "description": f"Hit by the FileBridge campaign ({uuid.uuid4().hex[:8]}): "
                                   "servers encrypted, ransom note on every screen.",
                }, {"Authorization": f"Token {token}", "Idempotency-Key": uuid.uuid4().hex})
            return call

        print(f"gunicorn {WEB_WORKERS} workers x {THREADS} threads on {HOST}:{PORT}, {WORKERS} "
              f"Celery worker(s); {HOLDERS} policyholders, {CLAIMS} earlier claims; {CLIENTS} "
              f"clients, {BROWSERS} adjusters browsing, {SECONDS:.0f} s per phase")
        run([(CLIENTS, trivial, 200)], 1.0)  # warm-up
        (base,) = run([(CLIENTS, trivial, 200)], SECONDS)
        (quiet_list,) = run([(BROWSERS, browse, 200)], SECONDS / 2)
        (alone,) = run([(CLIENTS, report, 202)], SECONDS / 2)  # the report path without browsing
        surge_began = time.perf_counter()
        reports, surge_list = run([(CLIENTS, report, 202), (BROWSERS, browse, 200)], SECONDS)
        pending = EventReport.objects.filter(status=EventReport.Status.RECEIVED)
        deadline = time.monotonic() + 300
        while pending.exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: {pending.count()} reports unregistered after 300 s")
            # What beat's outbox sweep does every minute: resend a task whose publish failed.
            outbox_sweep(older_than=timedelta(seconds=2))
            time.sleep(0.5)
        drained = time.perf_counter() - surge_began
        failed = EventReport.objects.filter(status=EventReport.Status.FAILED).count()
        if failed:
            raise SystemExit(f"bench: {failed} reports failed to register")

        trivial_rate = len(base.latencies) / SECONDS
        report_rate = len(reports.latencies) / SECONDS
        linked = event.links.count()
        print(f"trivial endpoint (/healthz)         {trivial_rate:8.1f} requests/s")
        print(f"surge reports received (202)        {report_rate:8.1f} reports/s "
              f"(p95 {reports.p95_ms():.0f} ms, {len(reports.latencies)} reports)")
        print(f"ratio reports/s to trivial           {report_rate / trivial_rate:8.2f}  "
              f"(target >= 0.30)")
        alone_rate = len(alone.latencies) / (SECONDS / 2)
        print(f"  (reports alone, nobody browsing    {alone_rate:8.1f} reports/s, ratio "
              f"{alone_rate / trivial_rate:.2f})")
        print(f"admin claim list p95, quiet          {quiet_list.p95_ms():8.0f} ms "
              f"({len(quiet_list.latencies)} loads)")
        print(f"admin claim list p95, during surge   {surge_list.p95_ms():8.0f} ms "
              f"({len(surge_list.latencies)} loads)")
        print(f"registered as linked claims         {linked:>8}, the last {drained:.1f} s after "
              f"the surge began")
        print(f"10,000 reports an hour are {10000 / 3600:.1f} reports/s.")
        received = len(reports.latencies) + len(alone.latencies)
        if linked != received:
            raise SystemExit(f"bench: {received} reports but {linked} linked")
    finally:
        _stop(server)
        _stop(worker)
        celery_app.control.purge()
        for leftover in Path("/tmp").glob(Path(BEAT_SCHEDULE).name + "*"):
            leftover.unlink(missing_ok=True)
        connections.close_all()
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
