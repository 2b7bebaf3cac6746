"""``make run``: the demo on a development server, one command.

Development settings (``CLAIMS_ENV=development``), embedded PostgreSQL unless ``DATABASE_URL`` is
set, migrations and demo data, then Django's server on the first free port from ``PORT`` (8000),
printing the address it really serves. Django's debug pages only with ``DEBUG=true``; otherwise the
friendly error pages users see. When the server stops (Ctrl-C), the embedded PostgreSQL it started
stops too.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PG_DATA = BASE_DIR / ".data" / "postgres"


def free_port(host: str, first: int, tries: int = 50) -> int:
    for port in range(first, first + tries):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise SystemExit(f"No free port between {first} and {first + tries - 1}.")


def _embedded_postgres_running() -> bool:
    return (PG_DATA / "postmaster.pid").exists()


def stop_embedded_postgres() -> None:
    """Stop the embedded server in ``.data/postgres`` (fast shutdown: sessions end, data stays)."""
    from pgserver._commands import pg_ctl

    from config import embedded

    server = embedded._handles.get("postgres")
    user = getattr(server, "system_user", None)
    with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=PG_DATA, user=user)
    if server is not None:  # stopped: pgserver's own exit handler has nothing left to do
        atexit.unregister(server._cleanup)
    print("Stopped the embedded PostgreSQL.", flush=True)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    from config import embedded

    os.environ.setdefault("CLAIMS_ENV", "development")
    # Ctrl-C, or a TERM from a process manager, stops the server and then the database.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    host = os.environ.get("HOST", "127.0.0.1")
    port = free_port(host, int(os.environ.get("PORT", "8000")))
    ours = not os.environ.get("DATABASE_URL") and not _embedded_postgres_running()
    embedded.ensure_servers(BASE_DIR)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    server = None
    try:
        subprocess.run([*manage, "migrate", "--noinput"], check=True)
        subprocess.run([*manage, "demo_data"], check=True)
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        print(f"\nServing the demo on http://{shown}:{port}/ "
              f"(debug pages {'on' if os.environ.get('DEBUG', '').lower() == 'true' else 'off'};"
              f" Ctrl-C stops it{' and the embedded PostgreSQL' if ours else ''}).\n",
              flush=True)
        server = subprocess.Popen([*manage, "runserver", "--noreload", f"{host}:{port}"])
        return server.wait()
    except KeyboardInterrupt:
        return 0
    except subprocess.CalledProcessError as error:
        return error.returncode
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if ours:
            stop_embedded_postgres()


if __name__ == "__main__":
    raise SystemExit(main())
