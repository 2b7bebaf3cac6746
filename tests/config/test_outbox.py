"""Every task goes through the outbox: stored in the transaction, sent after commit, kept and
sent again by the sweep when the broker was down."""

import json
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from config import outbox
from config.models import OutboxMessage

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_enqueue_stores_the_message_and_sends_nothing_before_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(outbox, "publish", lambda pk: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox.enqueue("config.outbox_sweep", note="x")
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.PENDING
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [message.pk]


@pytest.mark.django_db(transaction=True)
def test_rolled_back_transaction_enqueues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("config.outbox_sweep")
        raise RuntimeError("business action failed")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_unknown_task_stays_pending_with_the_error_recorded():
    with transaction.atomic():
        message = outbox.enqueue("no.such.task")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.PENDING
    assert message.attempts == 1
    assert "no.such.task" in message.last_error


@pytest.mark.django_db(transaction=True)
def test_sweep_resends_only_messages_older_than_the_retry_delay(monkeypatch):
    published = []
    monkeypatch.setattr(outbox, "publish", lambda pk: published.append(pk) or True)
    old = OutboxMessage.objects.create(task_name="config.outbox_sweep")
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    OutboxMessage.objects.create(task_name="config.outbox_sweep")
    assert outbox.outbox_sweep(older_than=timedelta(seconds=30)) == 1
    assert published == [old.pk]


@pytest.mark.django_db(transaction=True)
def test_a_request_does_not_hang_when_redis_is_down_and_the_work_is_kept(django_db_setup):
    """A process whose broker is unreachable enqueues within seconds and keeps the message."""
    from tests.integration.conftest import test_database_url

    script = (
        "import time, json; from django.db import transaction; from config import outbox;"
        "from config.models import OutboxMessage;"
        "t = time.monotonic();\n"
        "with transaction.atomic(): m = outbox.enqueue('config.outbox_sweep')\n"
        "m.refresh_from_db();"
        "print(json.dumps({'seconds': time.monotonic() - t, 'status': m.status,"
        " 'error': m.last_error}))"
    )
    env = dict(os.environ, DATABASE_URL=test_database_url(), REDIS_URL="redis://127.0.0.1:1/0",
               CLAIMS_TESTING="1", EMBEDDED_REDIS="0")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=BASE_DIR,
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["status"] == "pending"
    assert outcome["error"]
    assert outcome["seconds"] < 10, outcome
    assert time.monotonic() - started < 60
    assert OutboxMessage.objects.filter(status="pending").count() == 1
