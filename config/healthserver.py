"""A tiny HTTP server for ``/healthz`` in a thread of a process that serves no requests (gunicorn's
master, see ``config/gunicorn.py``), so that busy request workers cannot hold the probe up."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HealthHandler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the http.server API
        if self.path.split("?", 1)[0] not in ("/healthz", "/"):
            self.send_error(404)
            return
        from django.db import connections

        from config.health import health

        try:
            body, status = health()
        finally:
            connections.close_all()
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):  # probes every few seconds: keep the log quiet
        pass


def serve_in_thread(port: int, *, host: str = "0.0.0.0") -> ThreadingHTTPServer:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    server = ThreadingHTTPServer((host, port), HealthHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="healthz", daemon=True).start()
    return server
