"""CPU time of the admin's claim list and claim page, in-process, one request at a time.

The signed-in team lead of the seeded book (as ``bench/http.py`` signs in: session with a
verified second factor) loads each page through Django's test client, REPEAT times after WARMUP
requests; printed are the least, first-quartile, median and mean CPU time of a request
(``time.process_time``) and its queries. ``PROFILE=<page name>`` prints the page's cProfile
instead (CPU time; sorted by TOP=cumulative or tottime; ``CALLERS=<function pattern>``: who
calls the functions matching it).

    SIZE=50000 python bench/admin_pages.py            # (DATABASE_URL / BENCH_DATABASE_URL set)
"""

from __future__ import annotations

import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

# The script's own folder must not shadow the standard library's ``http`` (bench/http.py).
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import bench_database_url, setup_django  # noqa: E402

SIZE = int(os.environ.get("SIZE", "50000"))
REPEAT = int(os.environ.get("REPEAT", "40"))
WARMUP = int(os.environ.get("WARMUP", "5"))
PROFILE = os.environ.get("PROFILE", "")
SORT = os.environ.get("TOP", "cumulative")
LINES = int(os.environ.get("LINES", "60"))
CALLERS = os.environ.get("CALLERS", "")


def pages() -> list[tuple[str, list[str]]]:
    from claims.models import Claim

    sample = list(Claim.objects.filter(number__startswith="B-").order_by("-reported_at")
                  .values_list("pk", flat=True)[:200:4])
    return [
        ("list", ["/admin/claims/claim/"]),
        ("list state", ["/admin/claims/claim/?state__exact=liability_check"]),
        ("list search", ["/admin/claims/claim/?q=Bench"]),
        ("list page 2", ["/admin/claims/claim/?p=2"]),
        ("claim page", [f"/admin/claims/claim/{pk}/change/" for pk in sample]),
    ]


def main() -> None:
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    os.environ.setdefault("CLAIMS_TESTING", "0")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    setup_django(bench_database_url(SIZE))
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.common import signed_in_session
    from bench.seed import people

    who = people()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = signed_in_session(who["lead"])
    for name, paths in pages():
        if PROFILE and name != PROFILE:
            continue
        for index in range(WARMUP):
            assert client.get(paths[index % len(paths)]).status_code == 200, name
        with CaptureQueriesContext(connection) as captured:
            client.get(paths[0])
        queries = len(captured.captured_queries)  # read now: the next request clears the log
        if PROFILE:
            profile = cProfile.Profile(time.process_time)
            profile.enable()
            for index in range(REPEAT):
                client.get(paths[index % len(paths)])
            profile.disable()
            stats = pstats.Stats(profile).sort_stats(SORT)
            if CALLERS:  # who calls the functions matching CALLERS
                stats.print_callers(CALLERS)
            else:
                stats.print_stats(LINES)
            continue
        took = []
        for index in range(REPEAT):
            began = time.process_time()
            response = client.get(paths[index % len(paths)])
            took.append((time.process_time() - began) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        took.sort()
        print(f"{name:<12} min {took[0]:6.1f}  p25 {took[len(took) // 4]:6.1f}  median "
              f"{statistics.median(took):6.1f}  mean {statistics.mean(took):6.1f} ms CPU  "
              f"queries {queries}", flush=True)


if __name__ == "__main__":
    main()
