"""What the benchmarks share: a seeded database of a given size, reused between runs."""

from __future__ import annotations

import cProfile
import gc
import os
import pstats
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_SECRET_KEY = "bench-only-secret-key-not-for-production-0123456789abcdef"


def _admin_url(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres"))


def bench_database_url(size: int) -> str:
    """``<DATABASE_URL's database>_bench<size>`` on the same server (or BENCH_DATABASE_URL)."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    if not os.environ.get("DATABASE_URL"):
        sys.path.insert(0, str(ROOT))
        from config import embedded

        embedded.ensure_servers(ROOT)
    parts = urlsplit(os.environ["DATABASE_URL"])
    name = parts.path.lstrip("/") or "claims"
    return urlunsplit(parts._replace(path=f"/{name}_bench{size}"))


def ensure_database(url: str) -> None:
    """Create the database of ``url`` if it is absent."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = _admin_url(url)
    # psycopg reads a Unix socket directory from the (percent-encoded) host part as well.
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(database_url: str) -> None:
    """Point this process at ``database_url`` (migrated) with the bench's secret key."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["SECRET_KEY"] = BENCH_SECRET_KEY
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seeded_database(size: int) -> str:
    """A migrated database holding the seeded book of ``size`` claims; returns its URL."""
    url = bench_database_url(size)
    ensure_database(url)
    setup_django(url)
    from bench.seed import seed

    seed(size)
    return url


def wait_for_worker(worker, name: str, *, timeout: float = 60) -> None:
    """Return once the Celery worker ``name`` (the process ``worker``) answers a ping; exit the
    bench if it dies or stays silent for ``timeout`` seconds."""
    from config.celery import app

    deadline = time.monotonic() + timeout
    while not app.control.ping(destination=[name], timeout=0.5):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("bench: the Celery worker did not start")


def signed_in_session(user) -> str:
    """The key of a new session in which ``user`` is signed in, as after the login form: with the
    backend that loads users and, for staff, a verified second factor (an authenticator device is
    enrolled for the bench user when it has none)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.module_loading import import_string
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.twofactor import needs_two_factor

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(user.pk)
    # The first backend that can load a signed-in user (the login limiter in front cannot).
    store[BACKEND_SESSION_KEY] = next(
        path for path in settings.AUTHENTICATION_BACKENDS
        if hasattr(import_string(path), "get_user")
    )
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if needs_two_factor(user):  # staff sessions count once a second factor was given
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or (
            TOTPDevice.objects.create(user=user, name="bench authenticator", confirmed=True))
        store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store.create()
    return store.session_key


@dataclass
class CpuRun:
    """What ``cpu_run`` measured: seconds of this process's CPU and of the wall, statements."""

    cpu: float
    wall: float
    statements: int
    profile: cProfile.Profile | None


def cpu_run(call: Callable[[int], object], indexes, *, profile: bool = False) -> CpuRun:
    """``call(index)`` for each of ``indexes``, one at a time, in this process: its CPU time
    (``time.process_time``: a background outbox publisher included), the wall time and the SQL
    statements run; with ``profile``, a cProfile of the calls in CPU time. Warm up before."""
    from django.db import connection

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    gc.collect()
    profiler = cProfile.Profile(time.process_time) if profile else None
    with connection.execute_wrapper(count):
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler:
            profiler.enable()
        for index in indexes:
            call(index)
        if profiler:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return CpuRun(cpu, wall, statements[0], profiler)


def print_profile(profile: cProfile.Profile, out: str, *, cumulative: int = 50,
                  own: int = 30) -> None:
    """Save ``profile`` to ``out`` and print its top functions by cumulative and by own time."""
    profile.dump_stats(out)
    stats = pstats.Stats(profile)
    stats.sort_stats("cumulative").print_stats(cumulative)
    stats.sort_stats("tottime").print_stats(own)
