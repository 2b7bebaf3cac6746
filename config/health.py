"""``/healthz``: database, broker, workers and outbox, each named, each answered within about 1 s.

- ``database``: a ``SELECT 1`` (with a 1 s statement timeout);
- ``broker``: a Redis ``PING`` with short timeouts (0.6 s);
- ``workers``: how many Celery workers wrote a heartbeat in the last ``WORKER_HEARTBEAT_STALE``
  seconds, and how old the newest heartbeat is;
- ``outbox``: how many messages wait (pending or sent but not yet run), the age of the oldest one,
  and how many were given up (``failed``).

503 when the database or the broker is unreachable, no worker is alive, the oldest message has
waited more than ``OUTBOX_LATE_AFTER`` seconds, or a message failed for good. The same answer is
served by gunicorn's master process on ``HEALTH_PORT`` (``config/gunicorn.py``), which no busy
request worker can hold up.
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone


def _error(error: Exception) -> str:
    return f"{type(error).__name__}: {error}".strip()[:300]


def _database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 1000")
            cursor.execute("SELECT 1")
            cursor.fetchone()
            cursor.execute("RESET statement_timeout")
    except Exception as error:
        return _error(error)
    return None


def _broker() -> str | None:
    if not settings.REDIS_URL:
        return None  # eager mode: tasks run in-process, there is no broker to reach
    try:
        import redis

        url = settings.REDIS_URL.replace("redis+socket://", "unix://", 1)
        timeout = settings.REDIS_CACHE_TIMEOUT * 2  # a PING answers in milliseconds when well
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except Exception as error:
        return _error(error)
    return None


def _workers(now) -> tuple[dict, str | None]:
    if not settings.REDIS_URL:
        return {"status": "eager (tasks run in the web process)"}, None
    from config.models import WorkerHeartbeat

    stale = settings.WORKER_HEARTBEAT_STALE
    newest = WorkerHeartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    age = None if newest is None else round((now - newest).total_seconds(), 1)
    alive = WorkerHeartbeat.objects.filter(
        seen_at__gte=now - timezone.timedelta(seconds=stale)
    ).count()
    body = {"status": "ok" if alive else "down", "alive": alive,
            "last_heartbeat_seconds_ago": age}
    if alive:
        return body, None
    return body, (
        "no worker has ever written a heartbeat" if age is None
        else f"no worker heartbeat for {age:.0f} s (more than {stale} s)"
    )


def _outbox(now) -> tuple[dict, str | None]:
    from config import outbox
    from config.models import OutboxMessage

    waiting = OutboxMessage.objects.filter(
        status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENT]
    ).count()
    failed = OutboxMessage.objects.filter(status=OutboxMessage.Status.FAILED).count()
    age = outbox.oldest_pending_age(now)
    body = {"waiting": waiting, "oldest_waiting_seconds": None if age is None else round(age, 1),
            "failed": failed}
    late = settings.OUTBOX_LATE_AFTER
    if age is not None and age > late:
        body["status"] = "late"
        return body, f"a task has waited {age:.0f} s (more than {late} s)"
    if failed:
        body["status"] = "failed"
        return body, f"{failed} task(s) failed for good"
    body["status"] = "ok"
    return body, None


def health() -> tuple[dict, int]:
    """The health report and its HTTP status."""
    now = timezone.now()
    errors: dict[str, str] = {}
    database = _database()
    if database:
        errors["database"] = database
    broker = _broker()
    if broker:
        errors["broker"] = broker
    body: dict = {
        "database": "unreachable" if database else "ok",
        "broker": (
            "eager (no REDIS_URL)" if not settings.REDIS_URL
            else "unreachable" if broker else "ok"
        ),
    }
    if not database:
        try:
            body["workers"], workers_error = _workers(now)
            body["outbox"], outbox_error = _outbox(now)
        except Exception as error:  # the database went away between the checks
            workers_error = outbox_error = None
            errors["database"] = _error(error)
            body["database"] = "unreachable"
        if workers_error:
            errors["workers"] = workers_error
        if outbox_error:
            errors["outbox"] = outbox_error
    else:
        body["workers"] = body["outbox"] = "unknown (database unreachable)"
    body = {"status": "ok" if not errors else "unavailable", **body}
    if errors:
        body["errors"] = errors
    return body, 503 if errors else 200


def healthz(request):
    body, status = health()
    response = JsonResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    return response
