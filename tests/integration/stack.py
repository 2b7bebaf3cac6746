"""A throwaway production-like stack for fault tests and the fault benchmark.

Its own PostgreSQL (``initdb`` + ``pg_ctl`` on a free port, data in a temporary folder) and its
own Redis (``redis-server`` on a free port, no persistence), never the machine's shared servers;
gunicorn with 2 sync workers, Celery workers, and helpers to stop, freeze (SIGSTOP) and restart
each of them. Emails go to files (``EMAIL_FILE_PATH``), so a test can count what went out.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
if not (PG_BIN / "pg_ctl").exists():
    PG_BIN = Path(shutil.which("pg_ctl") or "/usr/local/bin/pg_ctl").resolve().parent


def free_port(start: int | None = None, end: int | None = None) -> int:
    """A free TCP port on 127.0.0.1 (the first free one in [start, end) when given)."""
    candidates = range(start, end) if start else [0]
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError(f"no free port in {start}-{end}")


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the ``postgres`` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


class Postgres:
    def __init__(self, root: Path):
        self.dir = root / "pg"
        self.data = self.dir / "data"
        self.port = free_port()
        self.log = self.dir / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/claims"

    def init(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres([str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres",
                          "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8"]),
            check=True, capture_output=True,
        )
        self.start()
        subprocess.run(
            _as_postgres([str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
                          "-U", "postgres", "claims"]),
            check=True, capture_output=True,
        )

    def start(self) -> None:
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log),
                          "-o", options, "-w", "-t", "30", "start"]),
            check=True, capture_output=True,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                          "stop"]),
            capture_output=True,
        )

    def query(self, sql: str, params=()) -> list[tuple]:
        import psycopg

        with psycopg.connect(self.url.replace("postgres://", "postgresql://"),
                             connect_timeout=3, autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()


class Redis:
    def __init__(self, root: Path):
        self.dir = root / "redis"
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        """Gone, with everything queued in it (no persistence): as a crash and restart would."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.kill()
            self.process.wait(timeout=10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def queued(self) -> int:
        import redis

        return redis.Redis.from_url(self.url, socket_timeout=2).llen("celery")


class Stack:
    """PostgreSQL, Redis, gunicorn and workers of one fault run, all in ``root``."""

    def __init__(self, root: Path, *, web_port: int | None = None, **settings: str):
        self.root = root
        self.postgres = Postgres(root)
        self.redis = Redis(root)
        self.mail_dir = root / "mail"
        self.web_port = web_port or free_port(8200, 8300)
        self.settings = settings
        self.web: subprocess.Popen | None = None
        self.health_port = free_port(self.web_port + 1, 8300)
        self.workers: list[subprocess.Popen] = []

    def env(self) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if key not in {"CLAIMS_TESTING", "PYTEST_CURRENT_TEST", "EMBEDDED_REDIS"}}
        env.update(
            DATABASE_URL=self.postgres.url, REDIS_URL=self.redis.url,
            DJANGO_SETTINGS_MODULE="config.settings", CLAIMS_ENV="production",
            SECRET_KEY="fault-test-" + "x" * 50, DEBUG="false", ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false", SESSION_COOKIE_SECURE="false",
            CSRF_COOKIE_SECURE="false", EMAIL_BACKEND="django.core.mail.backends.filebased."
            "EmailBackend", EMAIL_FILE_PATH=str(self.mail_dir), MEDIA_ROOT=str(self.root / "media"),
            HEALTH_PORT=str(self.health_port), LOG_LEVEL="WARNING", PYTHONUNBUFFERED="1",
            WORKER_HEARTBEAT_INTERVAL="1", WORKER_HEARTBEAT_STALE="4",
            OUTBOX_CONFIRM_AFTER="60", PAYMENT_RETRY_AFTER="3600",
        )
        env.update(self.settings)
        return env

    def manage(self, *args: str, stdin: str | None = None, timeout: int = 300) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=self.env(), input=stdin,
            capture_output=True, text=True, timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def setup(self, what: str, **settings: str) -> dict:
        """Run ``tests.integration.fault_setup <what>`` against the stack (``settings``: more
        environment for it); what it made."""
        result = subprocess.run(
            [sys.executable, "-m", "tests.integration.fault_setup", what], cwd=BASE_DIR,
            env={**self.env(), **settings}, capture_output=True, text=True, timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"fault_setup {what} failed:\n{result.stderr[-3000:]}")
        return json.loads(result.stdout.strip().splitlines()[-1])

    def start(self) -> None:
        self.mail_dir.mkdir(parents=True, exist_ok=True)
        self.redis.start()
        self.postgres.init()
        self.manage("migrate", "--noinput")

    def start_web(self) -> None:
        log = open(self.root / "gunicorn.log", "ab")  # noqa: SIM115 - closed with the process
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "-c",
             "config/gunicorn.py", "--bind", f"127.0.0.1:{self.web_port}", "--workers", "2",
             "--timeout", "30", "--graceful-timeout", "2"],
            cwd=BASE_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.wait_http("/healthz", accept=(200, 503))

    def start_worker(self, *, dying: bool = False, relay_only: bool = False) -> subprocess.Popen:
        """A Celery worker (``dying``: one that is killed right after its first task commits;
        ``relay_only``: one that runs no task, consuming a queue nobody sends to, while its
        relay hands the pending messages to Redis)."""
        log = open(self.root / f"worker-{len(self.workers)}.log", "ab")  # noqa: SIM115
        program = (["-m", "tests.integration.dying_worker"] if dying
                   else ["-m", "celery", "-A", "config", "worker"])
        queues = ["--queues", "relay-only"] if relay_only else []
        worker = subprocess.Popen(
            [sys.executable, *program, "--pool", "solo",
             "--hostname", f"fault{len(self.workers)}@localhost", "--without-gossip",
             "--without-mingle", "--loglevel", "INFO", *queues],
            cwd=BASE_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def kill_worker(self, worker: subprocess.Popen) -> None:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)

    def stop(self) -> None:
        for worker in self.workers:
            self.kill_worker(worker)
        if self.web and self.web.poll() is None:
            os.killpg(self.web.pid, signal.SIGTERM)
            try:
                self.web.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.web.pid, signal.SIGKILL)
        self.redis.stop()
        self.postgres.stop("immediate")

    # --- HTTP --------------------------------------------------------------------------------

    def url(self, path: str, *, health: bool = False) -> str:
        port = self.health_port if health else self.web_port
        return f"http://127.0.0.1:{port}{path}"

    def request(self, path: str, *, method: str = "GET", data: dict | None = None,
                token: str | None = None, timeout: float = 10, health: bool = False,
                headers: dict | None = None):
        """(status, headers, body as JSON or text, seconds); status 0 when nothing answered."""
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(self.url(path, health=health), data=body, method=method)
        if body is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Token {token}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                status, headers, raw = response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, dict(error.headers), error.read()
        except (urllib.error.URLError, OSError):
            return 0, {}, None, time.monotonic() - started
        seconds = time.monotonic() - started
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = raw.decode(errors="replace")
        return status, headers, parsed, seconds

    def wait_http(self, path: str, *, accept=(200,), timeout: float = 60, health=False):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web is not None and self.web.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log("gunicorn.log"))
            status, _, body, _ = self.request(path, timeout=3, health=health)
            if status in accept:
                return body
            time.sleep(0.1)
        raise RuntimeError(f"{path} did not answer {accept} within {timeout} s")

    def log(self, name: str) -> str:
        path = self.root / name
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # --- what happened -----------------------------------------------------------------------

    def emails(self) -> list[str]:
        """Subjects of every email sent so far (the file backend writes one file per batch)."""
        subjects = []
        for path in sorted(self.mail_dir.glob("*.log")):
            for chunk in path.read_bytes().split(b"-" * 79):
                if chunk.strip():
                    subject = message_from_bytes(chunk.strip()).get("Subject", "")
                    subjects.append(str(make_header(decode_header(subject))))
        return subjects
