"""A Celery worker that dies (SIGKILL) the moment a task's transaction has committed: at the first
after-commit publish of an outbox message (it publishes its own commits, ``OUTBOX_PUBLISHER``
"inline", where production leaves them to the relay, so that it has that moment to die at).
``python -m tests.integration.dying_worker ARGS`` takes the arguments of ``celery worker``. It
shows what a crash right after a commit leaves behind."""

from __future__ import annotations

import os
import signal
import sys


def main(argv: list[str]) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["OUTBOX_RELAY_INTERVAL"] = "0"  # no relay: only the after-commit publish
    os.environ["OUTBOX_PUBLISHER"] = "inline"
    django.setup()
    from config import outbox
    from config.celery import app

    publish, publish_many = outbox.publish, outbox.publish_many

    def die_after_commit(message_id: int, *, force: bool = False, **kwargs):
        if not force:
            os.kill(os.getpid(), signal.SIGKILL)
        return publish(message_id, force=force, **kwargs)

    def die_after_commit_in_background(message_ids: list[int], *, force: bool = False,
                                       **kwargs):
        """A transaction's messages, published together after its commit."""
        if not force:
            os.kill(os.getpid(), signal.SIGKILL)
        return publish_many(message_ids, force=force, **kwargs)

    outbox.publish = die_after_commit
    outbox.publish_many = die_after_commit_in_background
    app.worker_main(["worker", *argv])


if __name__ == "__main__":
    main(sys.argv[1:])
