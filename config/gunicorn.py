"""gunicorn settings: ``gunicorn config.wsgi:application -c config/gunicorn.py``.

The master process also answers the health check on ``HEALTH_PORT`` (default 8001; 0 turns it off)
from a thread of its own: it runs no requests, so a health probe never queues behind busy request
workers. It serves the same JSON as ``/healthz`` (``config.health``).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 10


def when_ready(server):
    port = int(os.environ.get("HEALTH_PORT", "8001"))
    if port:
        from config.healthserver import serve_in_thread

        try:
            serve_in_thread(port, host=os.environ.get("HEALTH_HOST", "0.0.0.0"))
        except OSError as error:  # the port is taken: serve the site anyway, say why
            server.log.error("no health check on port %s: %s", port, error)
        else:
            server.log.info("health check on port %s (/healthz)", port)
