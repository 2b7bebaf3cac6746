"""A real Celery worker, in its own process, against the test database and a real Redis.

Use with ``@pytest.mark.django_db(transaction=True, serialized_rollback=True)`` so that what the
test writes is committed and visible to the worker (and the migrations' data is back after it).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app

BASE_DIR = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """A DATABASE_URL for the database this test session really uses (``test_...``)."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "postgres", safe="")
    if db.get("PASSWORD"):
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = quote(db.get("HOST") or "", safe="")
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def wait_for(predicate: Callable[[], object], *, timeout: float = 20.0, every: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"condition not met within {timeout} s")
        time.sleep(every)


def finished_runs(worker, task: str) -> list[str]:
    """The worker's log lines of ``task``'s runs that succeeded (each ends with its result)."""
    return [line for line in worker.log().splitlines() if f"Task {task}[" in line
            and "succeeded" in line]


class Worker:
    """Handle on a running worker process: ``kill()`` (SIGKILL, as a crash) and ``start()``."""

    def __init__(self, log_dir: Path):
        self.name = f"test-{uuid.uuid4().hex[:8]}@localhost"
        self.log_path = log_dir / f"celery-{self.name.split('@')[0]}.log"
        self.process: subprocess.Popen | None = None

    def start(self, *, concurrency: int = 1, pool: str = "solo") -> None:
        env = os.environ.copy()
        env.update(
            DATABASE_URL=test_database_url(),
            REDIS_URL=settings.REDIS_URL,
            CLAIMS_TESTING="1",
            EMBEDDED_REDIS="0",
            DJANGO_SETTINGS_MODULE="config.settings",
        )
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", pool,
             "--concurrency", str(concurrency), "--hostname", self.name, "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel", "INFO"],
            cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"celery worker exited early:\n{self.log()}")
            if celery_app.control.ping(destination=[self.name], timeout=0.5):
                return
        pytest.fail(f"celery worker did not come up:\n{self.log()}")

    def kill(self) -> None:
        """Kill the whole worker process group at once, as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path.exists() else ""


@pytest.fixture
def celery_worker(transactional_db, tmp_path):
    """Start a real worker for this test (after purging stale messages) and stop it after."""
    if not settings.REDIS_URL:
        pytest.fail("integration tests need REDIS_URL (make test starts an embedded Redis)")
    if celery_app.conf.task_always_eager:
        pytest.fail("Celery is eager: REDIS_URL was not seen when the settings were loaded")
    celery_app.control.purge()
    worker = Worker(tmp_path)
    worker.start()
    yield worker
    worker.stop()
