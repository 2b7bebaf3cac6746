"""Requests per second and latency of the pages and API endpoints, under gunicorn (DEBUG off).

On the seeded book of SIZE claims (``bench/seed.py``, reused between runs), a gunicorn server
(WEB_WORKERS sync workers) and one Celery worker run as they would in production (the worker at
a lower CPU priority than the web, as docker-compose gives its workers a smaller CPU share: a
person waiting for an answer comes before a queued task when both want the cores); a load
generator in a second process keeps CONCURRENCY keep-alive connections busy on loopback for
DURATION seconds per endpoint (bounded: at most MAX_REQUESTS requests each), after a short
warm-up. Every endpoint is printed with req/s, p50/p95/p99 and its rate as a fraction of the
trivial authenticated endpoint (``/api/whoami/``) measured in the same run, then the resident
memory of the gunicorn and Celery workers after the load.

    make bench                        # SIZE=2000 by default
    SIZE=50000 python bench/http.py   # DURATION=10 CONCURRENCY=6 WEB_WORKERS=3 PORT=8601
"""

from __future__ import annotations

import sys
from pathlib import Path

# The script's own folder must not shadow the standard library's ``http`` (bench/http.py).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import http.client  # noqa: E402
import json  # noqa: E402
import multiprocessing  # noqa: E402
import os  # noqa: E402
import secrets  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from contextlib import contextmanager, suppress  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_SECRET_KEY,
    ROOT,
    seeded_database,
    wait_for_worker,
)

SIZE = int(os.environ.get("SIZE", "2000"))
DURATION = float(os.environ.get("DURATION", "10"))
WARMUP = float(os.environ.get("WARMUP", "1.5"))
CONCURRENCY = int(os.environ.get("CONCURRENCY", "6"))
MAX_REQUESTS = int(os.environ.get("MAX_REQUESTS", "20000"))
WEB_WORKERS = int(os.environ.get("WEB_WORKERS", "3"))
PORT = int(os.environ.get("PORT", "8601"))
HOST = "127.0.0.1"  # loopback only
ONLY = [name for name in os.environ.get("ONLY", "").split(",") if name]
ASYNC_REPORT = "report a claim (API, async)"
REGISTER_WAIT = float(os.environ.get("REGISTER_WAIT", "300"))
# The worker's niceness (0: the web's priority). On one host it plays the part of
# docker-compose's smaller CPU share for the workers (cpu_shares 256 against the web's 1024).
WORKER_NICE = int(os.environ.get("WORKER_NICE", "10"))


@dataclass
class Endpoint:
    name: str
    method: str
    paths: list[str]
    cookie: str | list[str]  # a list: one per request in turn, with the body of the same turn
    csrf: str = ""
    body: dict | list[dict] | None = None
    expect: tuple[int, ...] = (200,)
    headers: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)


INCIDENTS = [
    "A laptop with client data was stolen from the car",
    "Our web shop was encrypted by ransomware overnight",
    "A client says our software update deleted their invoices",
    "We missed the filing deadline for a client's trademark",
    "An employee opened a phishing mail and the mail server sent spam",
    "The backup server's disks failed during the migration",
    "A former employee still had access and copied the customer list",
    "The client's online shop was down for two days after our change",
    "A warning letter arrived about an image on a client's website",
    "DDoS attack on the booking platform during the sale",
]


# --- the load generator (a second process; stdlib only) -----------------------------------------


def _worker(endpoint: Endpoint, stop_at: float, record_from: float, budget, out: list) -> None:
    conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
    index = secrets.randbelow(len(endpoint.paths))
    cookies = endpoint.cookie if isinstance(endpoint.cookie, list) else [endpoint.cookie]
    headers = {"Accept": "application/json, text/html"}
    if endpoint.csrf:
        headers["X-CSRFToken"] = endpoint.csrf
    headers.update(endpoint.headers)
    bodies = [None]
    if endpoint.body is not None:
        headers["Content-Type"] = "application/json"
        many = endpoint.body if isinstance(endpoint.body, list) else [endpoint.body]
        bodies = [json.dumps(body) for body in many]
    latencies, errors = out
    while True:
        now = time.perf_counter()
        if now >= stop_at:
            break
        with budget["lock"]:
            if budget["left"] <= 0:
                break
            budget["left"] -= 1
        path = endpoint.paths[index % len(endpoint.paths)]
        payload = bodies[index % len(bodies)]
        headers["Cookie"] = cookies[index % len(cookies)]
        index += 1
        began = time.perf_counter()
        try:
            conn.request(endpoint.method, path, body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as error:
            conn.close()
            conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
            status = f"{type(error).__name__}"
        took = time.perf_counter() - began
        if began >= record_from:
            if status in endpoint.expect:
                latencies.append(took)
            else:
                errors.append(status)
    conn.close()


def _load(endpoint: Endpoint, queue) -> None:
    started = time.perf_counter()
    record_from = started + WARMUP
    stop_at = record_from + DURATION
    budget = {"lock": threading.Lock(), "left": MAX_REQUESTS}
    outs = [([], []) for _ in range(CONCURRENCY)]
    threads = [threading.Thread(target=_worker, args=(endpoint, stop_at, record_from, budget, out))
               for out in outs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    ended = min(time.perf_counter(), stop_at)
    latencies = sorted(value for out in outs for value in out[0])
    errors = [str(value) for out in outs for value in out[1]]
    queue.put({"latencies": latencies, "errors": errors, "seconds": max(ended - record_from,
                                                                        1e-9)})


def measure(endpoint: Endpoint) -> dict:
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    process = context.Process(target=_load, args=(endpoint, queue))
    started_at = time.time()
    process.start()
    result = queue.get(timeout=DURATION + WARMUP + 120)
    ended_at = time.time()
    process.join(timeout=30)
    latencies = result["latencies"]

    def pct(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    return {"rate": len(latencies) / result["seconds"], "count": len(latencies),
            "p50": pct(0.50), "p95": pct(0.95), "p99": pct(0.99), "errors": result["errors"],
            "started_at": started_at, "ended_at": ended_at}


# --- set-up: logins, the server, the worker ----------------------------------------------------


def _session(user) -> str:
    from bench.common import signed_in_session

    return signed_in_session(user)


def endpoints(who: dict) -> list[Endpoint]:
    from claims.models import Claim
    from claims.vendors.models import VendorJob
    from policies.models import Policy

    csrf = secrets.token_hex(16)  # 32 characters: an unmasked CSRF secret

    def cookie(user) -> str:
        return f"sessionid={_session(user)}; csrftoken={csrf}"

    lead, holder, vendor = cookie(who["lead"]), cookie(who["holder"]), cookie(who["vendor"])
    holder_claims = list(Claim.objects.filter(policy__policyholder__user=who["holder"])
                         .order_by("-reported_at").values_list("pk", flat=True)[:20])
    sample = list(Claim.objects.filter(number__startswith="B-").order_by("-reported_at")
                  .values_list("pk", flat=True)[:200:4])
    organisation = who["vendor"].vendor_membership.organisation_id
    jobs = list(VendorJob.objects.filter(organisation_id=organisation, state="in_progress")
                .order_by("-pk").values_list("pk", flat=True)[:200])
    if not (holder_claims and sample and jobs and who["reporters"]):
        raise SystemExit("bench: the seeded book lacks the claims or jobs the endpoints need")
    # Reports as policyholders write them: different policyholders, incidents and days. Each
    # report goes with its reporter's session (turn by turn: reporters[i % 100], bodies[i]).
    today = time.time()
    policies = {}  # each reporter's first policy (newest first, so the oldest is kept), one query
    for policy in (Policy.objects.select_related("product", "policyholder")
                   .filter(policyholder__user__in=who["reporters"]).order_by("-pk")):
        policies[policy.policyholder.user_id] = policy
    reporters, report = [], []
    for index, user in enumerate(who["reporters"]):
        policy = policies[user.pk]
        day = index % 40
        reporters.append(cookie(user))
        report.append({
            "policy": policy.pk,
            "loss_type": "ransomware" if policy.product.code == "cyber" else "pure_financial_loss",
            "loss_date": time.strftime("%Y-%m-%d", time.localtime(today - day * 86400)),
            "description": f"{INCIDENTS[index % len(INCIDENTS)]} (bench report {day}).",
            "claimant_name": "Bench Kunde AG", "claimant_email": "kunde@example.com"})
    return [
        Endpoint("trivial (GET /api/whoami/)", "GET", ["/api/whoami/"], lead),
        Endpoint("adjuster API claim list", "GET", ["/api/claims/"], lead),
        Endpoint("admin claim list", "GET", ["/admin/claims/claim/"], lead),
        Endpoint("admin claim page", "GET",
                 [f"/admin/claims/claim/{pk}/change/" for pk in sample], lead),
        Endpoint("admin start page (dashboard)", "GET", ["/admin/"], lead),
        Endpoint("report a claim (API)", "POST", ["/api/me/claims/"], reporters, csrf, report,
                 expect=(201,)),
        # The same reports answered at once with a receipt; the workers register them meanwhile
        # (beat's registrar), and the bench waits for the last one (``registered``).
        Endpoint(ASYNC_REPORT, "POST", ["/api/me/claims/"], reporters, csrf, report,
                 expect=(202,), headers={"Prefer": "respond-async"}),
        Endpoint("vendor progress update", "POST",
                 [f"/api/vendor/jobs/{pk}/progress" for pk in jobs], vendor, csrf,
                 {"percent": 50, "text": "Benchmark progress."}, expect=(201,)),
        Endpoint("vendor job list (API)", "GET", ["/api/vendor/jobs"], vendor),
        Endpoint("vendor job list (portal)", "GET", ["/vendor/"], vendor),
        Endpoint("portal home", "GET", ["/portal/"], holder),
        Endpoint("portal claim page", "GET", [f"/portal/claims/{pk}/" for pk in holder_claims],
                 holder),
    ]


def _env(database_url: str) -> dict:
    return dict(
        os.environ, DATABASE_URL=database_url, SECRET_KEY=BENCH_SECRET_KEY, DEBUG="false",
        CLAIMS_TESTING="0", SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false", ALLOWED_HOSTS=HOST, LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", EMBEDDED_REDIS="0",
        PYTHONWARNINGS="ignore",
    )


def start_server(database_url: str) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind",
         f"{HOST}:{PORT}", "--workers", str(WEB_WORKERS), "--worker-class", "sync",
         "--keep-alive", "30", "--timeout", "60", "--log-level", "warning"],
        cwd=ROOT, env=_env(database_url), start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("bench: gunicorn did not start")
        try:
            conn = http.client.HTTPConnection(HOST, PORT, timeout=2)
            # The sign-in page: /healthz answers 503 (logged) until the worker starts.
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.3)
    raise SystemExit("bench: gunicorn did not answer within 60 s")


def _lower_priority(pid: int) -> None:
    """``nice`` orders processes within one session only where Linux groups each session's
    processes for the scheduler (autogroup); the worker, in a session of its own, gets the
    niceness for its whole group too."""
    autogroup = Path(f"/proc/{pid}/autogroup")
    if WORKER_NICE and autogroup.exists():
        autogroup.write_text(str(WORKER_NICE))


def start_celery(database_url: str) -> subprocess.Popen | None:
    from django.conf import settings


    if not settings.REDIS_URL:
        return None
    name = f"bench-http-{os.getpid()}@localhost"
    worker = subprocess.Popen(
        ["nice", "-n", str(WORKER_NICE), sys.executable, "-m", "celery", "-A", "config",
         "worker", "--pool", "prefork",
         "--concurrency", "1", "--hostname", name,
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "ERROR"],
        cwd=ROOT, env=_env(database_url), start_new_session=True,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    _lower_priority(worker.pid)
    # Measured once it is up: its start (imports, the pool's fork) would weigh on the first
    # endpoint, the trivial one every ratio is taken against.
    wait_for_worker(worker, name)
    return worker


def settle(worker: subprocess.Popen | None) -> str:
    """Start from a book at rest, so that no endpoint is measured beside someone else's backlog:
    the reports an earlier run (or an in-process bench) left received are registered, and the
    worker runs every message still waiting in the outbox (their emails, the tasks left in the
    broker) before the first endpoint. Returns what it found, or ""."""
    from django.db import connections

    from claims.services import report_receipts_register
    from config.models import OutboxMessage

    registered = 0
    while batch := report_receipts_register():
        registered += batch
    waiting = OutboxMessage.objects.exclude(status=OutboxMessage.Status.DONE).order_by()
    left = waiting.count()
    began, deadline = time.monotonic(), time.monotonic() + REGISTER_WAIT
    while worker is not None and left and waiting.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"bench: {waiting.count()} earlier outbox messages still not done "
                             f"after {REGISTER_WAIT:.0f} s")
        time.sleep(0.5)
    connections.close_all()
    return ", ".join(part for part in (
        f"{registered} reports left received registered" if registered else "",
        f"{left} earlier outbox messages run ({time.monotonic() - began:.0f} s)" if left else "",
    ) if part)


@contextmanager
def registrar_beat():
    """Beat's entry for the asynchronous reports, alone: the registrar task sent at its
    interval while the endpoint is measured and its reports are registered (the other entries
    of beat, whose first runs sweep the whole book, would weigh on the figures)."""
    from django.conf import settings

    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["claims-report-receipts-register"]
    stop = threading.Event()

    def tick() -> None:
        while not stop.wait(entry["schedule"].total_seconds()):
            app.send_task(entry["task"])

    thread = threading.Thread(target=tick, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def registered(result: dict) -> str:
    """Wait until the workers have registered every report the asynchronous endpoint received
    (at most REGISTER_WAIT seconds); returns the line that says when the last became a claim."""
    from datetime import UTC, datetime

    from django.db import connections
    from django.db.models import Count, Max

    from claims.models import ReportReceipt

    received = ReportReceipt.objects.filter(
        received_at__gte=datetime.fromtimestamp(result["started_at"], tz=UTC)).order_by()
    deadline = time.monotonic() + REGISTER_WAIT
    while received.filter(status=ReportReceipt.Status.RECEIVED).exists():
        if time.monotonic() > deadline:
            left = received.filter(status=ReportReceipt.Status.RECEIVED).count()
            connections.close_all()
            return f"    not registered after {REGISTER_WAIT:.0f} s: {left} reports"
        time.sleep(0.5)
    counts = dict(received.values_list("status").annotate(n=Count("pk")))
    last = received.aggregate(last=Max("processed_at"))["last"]
    after = (last.timestamp() - result["ended_at"]) if last else float("nan")
    connections.close_all()
    return (f"    {counts.get('registered', 0)} reports registered as claims "
            f"({counts.get('failed', 0)} refused), the last {after:.1f} s after the run ended")


def _tree(pid: int) -> list[int]:
    pids = [pid]
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pids
    for child in children:
        pids += _tree(int(child))
    return pids


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    # The leader stops its own workers (gunicorn's master, Celery's main process); a signal to
    # the whole group had gunicorn log each worker's SIGTERM as an error. What is left is killed.
    process.terminate()
    with suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def main() -> None:
    began = time.perf_counter()
    database_url = seeded_database(SIZE)
    from django.db import connections

    from bench.seed import people

    who = people()
    chosen = endpoints(who)
    if ONLY:
        chosen = [chosen[0], *[e for e in chosen[1:] if any(o in e.name for o in ONLY)]]
    connections.close_all()
    server = start_server(database_url)
    worker = start_celery(database_url)
    settled = settle(worker)
    try:
        print(f"bench/http.py: {SIZE:,} claims, gunicorn {WEB_WORKERS} sync workers (DEBUG off), "
              f"{CONCURRENCY} connections, {DURATION:.0f} s per endpoint after "
              f"{WARMUP:.1f} s warm-up; set-up took {time.perf_counter() - began:.0f} s")
        if settled:
            print(f"    before measuring: {settled}")
        print(f"{'endpoint':<30} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
              f"{'ratio':>6} {'errors':>6}")
        trivial = None
        failed = False
        for endpoint in chosen:
            after = ""
            if endpoint.name == ASYNC_REPORT and worker is not None:
                with registrar_beat():
                    result = measure(endpoint)
                    after = registered(result)
            else:
                result = measure(endpoint)
            trivial = trivial or result["rate"]
            ratio = result["rate"] / trivial if trivial else float("nan")
            print(f"{endpoint.name:<30} {result['rate']:>8.1f} {result['p50']:>8.1f} "
                  f"{result['p95']:>8.1f} {result['p99']:>8.1f} {ratio:>6.2f} "
                  f"{len(result['errors']):>6}", flush=True)
            if result["errors"]:
                failed = True
                print(f"    unexpected answers: {sorted(set(result['errors']))[:5]}")
            if after:
                print(after)
        time.sleep(1)
        web = [rss_mb(pid) for pid in _tree(server.pid)[1:]]
        print(f"memory after the load: gunicorn workers {', '.join(f'{m:.0f}' for m in web)} MB "
              f"RSS (max {max(web, default=0):.0f}, target < 250)")
        if worker is not None:
            celery = [rss_mb(pid) for pid in _tree(worker.pid)]
            print(f"memory after the load: Celery worker {', '.join(f'{m:.0f}' for m in celery)}"
                  f" MB RSS (main, pool; max {max(celery, default=0):.0f}, target < 200)")
        if failed:
            raise SystemExit("bench: some requests did not get the expected answer")
    finally:
        stop(server)
        stop(worker)


if __name__ == "__main__":
    main()
