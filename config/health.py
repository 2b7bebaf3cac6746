"""``/healthz``: is the database reachable, is the broker reachable?"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def _broker() -> str | None:
    if not settings.REDIS_URL:
        return None  # eager mode: tasks run in-process, there is no broker to reach
    try:
        import redis

        url = settings.REDIS_URL.replace("redis+socket://", "unix://", 1)
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def healthz(request):
    checks = {"database": _database(), "broker": _broker()}
    failed = {name: error for name, error in checks.items() if error}
    body = {
        "status": "ok" if not failed else "unavailable",
        "database": "ok" if "database" not in failed else "unreachable",
        "broker": (
            "eager (no REDIS_URL)" if not settings.REDIS_URL
            else "ok" if "broker" not in failed else "unreachable"
        ),
    }
    if failed:
        body["errors"] = failed
    return JsonResponse(body, status=503 if failed else 200)
