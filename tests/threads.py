"""A test's action on a connection of its own, in a thread: for the tests that hold a lock on
the test's connection and watch what another connection's service does meanwhile (real
connections, committed data: ``transaction=True``)."""

from __future__ import annotations

import threading

from django.db import connection


def started_on_another_connection(action) -> tuple[threading.Thread, list[object]]:
    """Start ``action`` in a thread (its own database connection, closed when it ends); the list
    receives what it returned, or the exception it raised."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(action())
        except Exception as error:  # asserted on by the test
            outcome.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome
