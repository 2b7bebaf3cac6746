"""CPU time per request, in-process: the endpoints of ``bench/http.py`` through Django's request
handler (all the middleware, DEBUG off, the production settings the bench server runs with), one
request at a time, so two versions of the code can be compared on a busy machine.

For each endpoint: the mean process CPU time per request (``time.process_time``: this process
only, the background outbox publisher included), the wall time and the SQL statements. With
PROFILE=<part of an endpoint's name> the requests of that endpoint run under cProfile and the top
functions by cumulative and by own time are printed (the whole profile goes to PROFILE_OUT,
default /tmp/requests_cpu.prof).

    BENCH_DATABASE_URL=postgres://.../claims_bench50000 REDIS_URL=redis://... \
        python bench/requests_cpu.py       # ROUNDS=200 ONLY=whoami,report PROFILE=report
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import json  # noqa: E402
import os  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZE = int(os.environ.get("SIZE", "50000"))
ROUNDS = int(os.environ.get("ROUNDS", "200"))
ONLY = [name for name in os.environ.get("ONLY", "").split(",") if name]
PROFILE = os.environ.get("PROFILE", "")
NAMES = ("trivial", "adjuster API claim list", "admin claim list", "admin claim page",
         "report a claim", "vendor progress update")


def main() -> None:
    from bench.common import BENCH_SECRET_KEY, bench_database_url, cpu_run, print_profile

    database_url = bench_database_url(SIZE)
    # What bench/http.py gives its gunicorn server (DEBUG off, production settings).
    os.environ.update(
        DATABASE_URL=database_url, SECRET_KEY=BENCH_SECRET_KEY, DEBUG="false",
        CLAIMS_TESTING="0", SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false", ALLOWED_HOSTS="testserver", LOG_LEVEL="ERROR",
        EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", EMBEDDED_REDIS="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    import django

    django.setup()
    from django.test import Client

    from bench.http import endpoints
    from bench.seed import people

    chosen = [e for e in endpoints(people()) if any(e.name.startswith(n) for n in NAMES)]
    if ONLY:
        chosen = [e for e in chosen if any(o in e.name for o in ONLY)]
    print(f"bench/requests_cpu.py: {ROUNDS} requests per endpoint, one at a time, in-process")
    print(f"{'endpoint':<30} {'CPU ms':>8} {'wall ms':>8} {'SQL':>5}")
    for endpoint in chosen:
        client = Client(enforce_csrf_checks=True)
        cookies = endpoint.cookie if isinstance(endpoint.cookie, list) else [endpoint.cookie]
        headers = {"HTTP_ACCEPT": "application/json, text/html"}
        if endpoint.csrf:
            headers["HTTP_X_CSRFTOKEN"] = endpoint.csrf
        headers.update({f"HTTP_{name.upper().replace('-', '_')}": value
                        for name, value in endpoint.headers.items()})
        bodies = endpoint.body if isinstance(endpoint.body, list) else [endpoint.body]

        def call(index, client=client, endpoint=endpoint, headers=headers, bodies=bodies,
                 cookies=cookies):
            path = endpoint.paths[index % len(endpoint.paths)]
            headers["HTTP_COOKIE"] = cookies[index % len(cookies)]
            if endpoint.method == "GET":
                response = client.generic("GET", path, **headers)
            else:
                response = client.generic("POST", path, json.dumps(bodies[index % len(bodies)]),
                                          content_type="application/json", **headers)
            if response.status_code not in endpoint.expect:
                raise SystemExit(f"{endpoint.name}: {response.status_code} "
                                 f"{response.content[:300]!r}")

        for index in range(10):  # warm-up: imports, compiled statements, connections
            call(index)
        run = cpu_run(call, range(ROUNDS), profile=bool(PROFILE and PROFILE in endpoint.name))
        print(f"{endpoint.name:<30} {run.cpu / ROUNDS * 1000:>8.2f} "
              f"{run.wall / ROUNDS * 1000:>8.2f} {run.statements / ROUNDS:>5.1f}", flush=True)
        if run.profile:
            print_profile(run.profile, os.environ.get("PROFILE_OUT", "/tmp/requests_cpu.prof"),
                          cumulative=60, own=40)


if __name__ == "__main__":
    main()
