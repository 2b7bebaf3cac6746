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
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from config import outbox
from config.models import OutboxMessage
from tests.config.conftest import task_ids

BASE_DIR = Path(__file__).resolve().parents[2]


def _wait_for(condition, what: str, seconds: float = 10) -> None:
    """Poll ``condition`` (the publisher thread works beside the test) until it holds."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.02)


@pytest.mark.django_db
def test_enqueue_stores_the_message_and_sends_nothing_before_commit(
    django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(outbox, "publish", lambda pk, **kw: sent.append(pk))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = outbox.enqueue("config.outbox_sweep", note="x")
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.PENDING
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [message.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_rolled_back_transaction_enqueues_nothing():
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.enqueue("config.outbox_sweep")
        raise RuntimeError("business action failed")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unknown_task_fails_at_enqueue_and_nothing_is_written():
    with pytest.raises(outbox.UnknownTask, match="no.such.task"), transaction.atomic():
        outbox.enqueue("no.such.task")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unknown_task_fails_at_enqueue_in_eager_mode_too(monkeypatch):
    from config.celery import app

    monkeypatch.setitem(app.conf, "CELERY_TASK_ALWAYS_EAGER", True)  # no broker
    with pytest.raises(outbox.UnknownTask), transaction.atomic():
        outbox.enqueue("no.such.task")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sweep_resends_only_messages_older_than_the_retry_delay(monkeypatch):
    published = []
    monkeypatch.setattr(outbox, "publish", lambda pk, **kw: published.append(pk) or True)
    old = OutboxMessage.objects.create(task_name="config.outbox_sweep")
    OutboxMessage.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=5))
    OutboxMessage.objects.create(task_name="config.outbox_sweep")
    assert outbox.outbox_sweep(older_than=timedelta(seconds=30)) == 1
    assert published == [old.pk]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
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
    assert outcome["seconds"] < 2, outcome
    assert time.monotonic() - started < 60
    assert OutboxMessage.objects.filter(status="pending").count() == 1


def _sent(message: OutboxMessage) -> OutboxMessage:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=1
    )
    return OutboxMessage.objects.get(pk=message.pk)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_message_is_done_only_when_its_task_has_run(settings):
    if not settings.REDIS_URL:
        pytest.skip("eager mode: the task runs at once")
    with transaction.atomic():
        message = outbox.enqueue("config.outbox_prune")
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT  # handed to Redis: not done yet
    assert message.done_at is None

    outbox.run_in_process(_sent(message).pk)  # nothing: only a pending message is run
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.PENDING)
    outbox.run_in_process(message.pk)  # what a worker does with the task
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.DONE
    assert message.done_at is not None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_done_message_is_not_run_again(mailoutbox):
    from config.tasks import email_send_task

    with transaction.atomic():
        message = OutboxMessage.objects.create(
            task_name="config.email_send",
            kwargs={"subject": "Hello", "body": "x", "recipients": ["a@example.com"]},
        )
    for _ in range(2):  # the broker delivered it twice (a redelivery, a re-send)
        email_send_task.apply(kwargs=message.kwargs, task_id=message.celery_task_id)
    assert [mail.subject for mail in mailoutbox] == ["Hello"]
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.DONE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_failing_task_is_retried_with_exponential_back_off_then_given_up(settings, monkeypatch):
    from config.tasks import email_send_task

    settings.OUTBOX_BACKOFF_BASE, settings.OUTBOX_BACKOFF_MAX = 10, 60
    settings.OUTBOX_MAX_ATTEMPTS = 4

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("SMTP server down")

    monkeypatch.setattr("config.tasks.send_mail", smtp_down)
    message = OutboxMessage.objects.create(
        task_name="config.email_send",
        kwargs={"subject": "Hello", "body": "x", "recipients": ["a@example.com"]},
    )
    pauses = []
    for _ in range(4):
        before = timezone.now()
        email_send_task.apply(kwargs=message.kwargs, task_id=message.celery_task_id)
        message.refresh_from_db()
        if message.status == OutboxMessage.Status.PENDING:
            pauses.append(round((message.next_attempt_at - before).total_seconds()))
    assert pauses == [10, 20, 40]
    assert [outbox.backoff_seconds(n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]
    assert message.status == OutboxMessage.Status.FAILED
    assert "SMTP server down" in message.last_error

    # a message in its back-off pause is not sent by the sweep
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=OutboxMessage.Status.PENDING, next_attempt_at=timezone.now() + timedelta(hours=1),
        created_at=timezone.now() - timedelta(hours=1),
    )
    monkeypatch.setattr(outbox, "publish", lambda pk, **kw: pytest.fail("sent during back-off"))
    assert outbox.outbox_sweep(older_than=timedelta(0)) == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_sweep_sends_again_what_was_handed_over_but_never_ran(settings, monkeypatch):
    settings.OUTBOX_CONFIRM_AFTER = 60
    published = []
    monkeypatch.setattr(outbox, "publish", lambda pk, **kw: published.append(pk) or True)
    lost = _sent(OutboxMessage.objects.create(task_name="config.outbox_prune"))
    OutboxMessage.objects.filter(pk=lost.pk).update(sent_at=timezone.now() - timedelta(minutes=5))
    recent = _sent(OutboxMessage.objects.create(task_name="config.outbox_prune"))
    done = OutboxMessage.objects.create(
        task_name="config.outbox_prune", status=OutboxMessage.Status.DONE,
        sent_at=timezone.now() - timedelta(hours=1),
    )
    outbox.outbox_sweep(older_than=timedelta(0))
    assert published == [lost.pk]
    assert OutboxMessage.objects.get(pk=recent.pk).status == OutboxMessage.Status.SENT
    assert OutboxMessage.objects.get(pk=done.pk).status == OutboxMessage.Status.DONE


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_prune_deletes_done_messages_after_the_retention_period(settings):
    settings.OUTBOX_RETENTION_DAYS = 14
    old = timezone.now() - timedelta(days=15)
    gone = OutboxMessage.objects.create(task_name="t", status="done", done_at=old)
    kept_recent = OutboxMessage.objects.create(task_name="t", status="done",
                                               done_at=timezone.now() - timedelta(days=13))
    kept_pending = OutboxMessage.objects.create(task_name="t", status="pending")
    kept_failed = OutboxMessage.objects.create(task_name="t", status="failed")
    assert outbox.outbox_prune() == 1
    assert not OutboxMessage.objects.filter(pk=gone.pk).exists()
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        kept_recent.pk, kept_pending.pk, kept_failed.pk}


def test_the_prune_task_runs_daily_on_beat(settings):
    beat = settings.CELERY_BEAT_SCHEDULE.values()
    schedule = {entry["task"]: entry["schedule"] for entry in beat}
    assert schedule["config.outbox_prune"] == timedelta(days=1)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_after_a_failed_publish_requests_do_not_try_the_broker_for_a_while(settings, monkeypatch):
    from config.celery import app

    calls = []

    def broker_down(*args, **kwargs):
        calls.append(1)
        raise ConnectionError("Redis does not answer")

    monkeypatch.setattr(app.tasks["config.outbox_prune"], "apply_async", broker_down)
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)
    with transaction.atomic():
        first = outbox.enqueue("config.outbox_prune")
    with transaction.atomic():
        second = outbox.enqueue("config.outbox_prune")
    assert len(calls) == 1  # the second request did not wait on the broker at all
    assert {m.status for m in OutboxMessage.objects.filter(pk__in=[first.pk, second.pk])} == {
        "pending"}
    assert outbox.publish(second.pk, force=True) is False  # the relay still tries
    assert len(calls) == 2
    monkeypatch.setattr(outbox, "_broker_down_until", 0.0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_emails_are_tasks_in_the_outbox_and_a_rollback_sends_none(mailoutbox):
    from config.mail import email_enqueue

    with pytest.raises(RuntimeError), transaction.atomic():
        email_enqueue(subject="Lost", body="x", recipients=["a@example.com"])
        raise RuntimeError("business action failed")
    with transaction.atomic():
        email_enqueue(subject="Kept", body="x", recipients=["b@example.com", "", "b@example.com"])
    message = OutboxMessage.objects.get()
    assert message.task_name == "config.email_send"
    assert message.kwargs["recipients"] == ["b@example.com"]
    assert [mail.subject for mail in mailoutbox] == ["Kept"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_a_publisher_thread_the_commit_never_waits_for_the_broker(settings, monkeypatch):
    """A publisher thread sends after commit: a broker that takes 1.5 s to answer (frozen,
    timing out) costs the request nothing, and the message is still sent."""
    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    settings.OUTBOX_PUBLISHER = "thread"
    task = outbox._task("config.outbox_prune")
    real = task.apply_async

    def slow_broker(*args, **kwargs):
        time.sleep(1.5)
        return real(*args, **kwargs)

    monkeypatch.setattr(task, "apply_async", slow_broker)
    started = time.monotonic()
    with transaction.atomic():
        message = outbox.enqueue("config.outbox_prune")
    assert time.monotonic() - started < 0.5
    _wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status
              != OutboxMessage.Status.PENDING, "the publisher thread never sent it")
    assert OutboxMessage.objects.get(pk=message.pk).status in ("sent", "done")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_publisher_thread_marks_what_it_sent_meanwhile_in_one_statement(
    settings, monkeypatch, handed
):
    """The publisher thread sends each commit's messages at once and marks them sent a moment
    later, together with what it sent meanwhile: one write for several commits (before, every
    commit's messages cost a transaction of their own)."""
    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    settings.OUTBOX_PUBLISHER = "thread"
    monkeypatch.setattr(outbox, "MARK_DELAY_SECONDS", 1.0)

    with transaction.atomic():
        first = outbox.enqueue("config.outbox_prune")
    _wait_for(lambda: len(handed) == 1, "the first message was never sent")
    assert OutboxMessage.objects.get(pk=first.pk).status == "pending"  # sent, not yet marked
    with transaction.atomic():
        second = outbox.enqueue("config.outbox_prune")
    rows = OutboxMessage.objects.filter(pk__in=[first.pk, second.pk])
    _wait_for(lambda: set(rows.values_list("status", flat=True)) == {"sent"},
             "the publisher thread never marked them")
    assert task_ids(handed) == [f"outbox-{first.pk}", f"outbox-{second.pk}"]
    assert len(set(rows.values_list("sent_at", flat=True))) == 1  # one statement marked both
    assert set(rows.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_publisher_thread_goes_on_after_a_mark_the_database_refused(
    settings, monkeypatch, handed
):
    """A deferred mark that fails (the database is down for a moment) is dropped: that message
    stays pending for the relay, and the thread goes on sending what commits next."""
    from django.db import OperationalError

    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    settings.OUTBOX_PUBLISHER = "thread"
    monkeypatch.setattr(outbox, "MARK_DELAY_SECONDS", 0.05)
    real_mark, marks = outbox._mark_quickly, []

    def refused_once(sent_ids, failed):
        marks.append(list(sent_ids))
        if len(marks) == 1:
            raise OperationalError("the database is down")
        return real_mark(sent_ids, failed)

    monkeypatch.setattr(outbox, "_mark_quickly", refused_once)

    with transaction.atomic():
        first = outbox.enqueue("config.outbox_prune")
    _wait_for(lambda: marks, "the first mark was never tried")
    with transaction.atomic():
        second = outbox.enqueue("config.outbox_prune")
    _wait_for(lambda: OutboxMessage.objects.get(pk=second.pk).status == "sent",
             "the publisher thread stopped after the refused mark")
    assert task_ids(handed) == [f"outbox-{first.pk}", f"outbox-{second.pk}"]
    assert OutboxMessage.objects.get(pk=first.pk).status == "pending"  # the relay's now


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_publisher_sends_what_committed_meanwhile_together(settings, handed):
    """``publish_many`` (the publisher thread's batch): every pending message is sent once, in
    one transaction; a message already sent is not sent again."""
    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    with transaction.atomic():
        messages = [OutboxMessage.objects.create(task_name="config.outbox_prune")
                    for _ in range(3)]
    ids = [message.pk for message in messages]
    assert outbox.publish_many([*ids, ids[0]]) == 3
    assert task_ids(handed) == [f"outbox-{pk}" for pk in ids]
    rows = OutboxMessage.objects.filter(pk__in=ids)
    assert {(row.status, row.attempts) for row in rows} == {("sent", 1)}
    assert all(row.sent_at is not None for row in rows)
    assert outbox.publish_many(ids) == 0


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_publisher_keeps_what_the_broker_did_not_take(settings, monkeypatch):
    """The broker fails in the middle of a batch: what it took is sent, the message it refused
    keeps its error and stays pending with the rest, and the breaker opens."""
    from config.celery import app

    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    task = app.tasks["config.outbox_prune"]
    calls = []

    def broker_fails_second(*args, **kwargs):
        calls.append(kwargs["task_id"])
        if len(calls) == 2:
            raise ConnectionError("broker gone")

    monkeypatch.setattr(task, "apply_async", broker_fails_second)
    with transaction.atomic():
        ids = [OutboxMessage.objects.create(task_name="config.outbox_prune").pk
               for _ in range(3)]
    try:
        assert outbox.publish_many(ids) == 1
        assert not outbox.broker_available()
        rows = {row.pk: row for row in OutboxMessage.objects.filter(pk__in=ids)}
        assert (rows[ids[0]].status, rows[ids[0]].attempts) == ("sent", 1)
        assert (rows[ids[1]].status, rows[ids[1]].attempts) == ("pending", 1)
        assert "broker gone" in rows[ids[1]].last_error
        assert (rows[ids[2]].status, rows[ids[2]].attempts) == ("pending", 0)
    finally:
        outbox._close_breaker()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_commit_publishes_its_messages_without_reading_them_back(
    settings, monkeypatch, handed
):
    """After its commit a process knows what it enqueued: the messages go to the broker with the
    task names and arguments it holds, and one statement marks them sent, without waiting for
    the disk (it did: every approval then waited for a second flush of the WAL). A message whose
    task ran meanwhile (done) is not marked sent again."""
    if not settings.REDIS_URL:
        pytest.skip("eager mode has no broker")
    settings.OUTBOX_PUBLISHER = "inline"
    # As in production: no test hook reading the messages to find emails.
    monkeypatch.setattr(outbox, "publish_many", outbox.publish_many.original)
    with transaction.atomic():
        messages = [OutboxMessage.objects.create(task_name="config.outbox_prune",
                                                 kwargs={"older_than_days": days})
                    for days in (1, 2)]
    OutboxMessage.objects.filter(pk=messages[1].pk).update(status=OutboxMessage.Status.DONE)
    with CaptureQueriesContext(connection) as statements:
        outbox._after_commit_many(messages)
    # The mark, in a transaction whose commit does not wait for the disk (bookkeeping: lost in
    # a crash, the row is pending again and the second delivery finds it done); no read.
    assert [query["sql"].split(" ")[0] for query in statements.captured_queries] == [
        "BEGIN", "SET", "UPDATE", "COMMIT"]
    assert statements.captured_queries[1]["sql"] == "SET LOCAL synchronous_commit TO OFF"
    assert handed == [(f"outbox-{message.pk}", message.kwargs) for message in messages]
    rows = {row.pk: row for row in OutboxMessage.objects.filter(pk__in=[m.pk for m in messages])}
    assert (rows[messages[0].pk].status, rows[messages[0].pk].attempts) == ("sent", 1)
    assert (rows[messages[1].pk].status, rows[messages[1].pk].attempts) == ("done", 0)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_confirmed_delivery_is_done_and_lets_the_next_delivery_in():
    """A worker's delivery: the message is done and its lock released by the confirm, so a
    redelivered copy is let in (and then sees it done); an unconfirmed run releases the lock
    too."""
    from django.db import connections

    with transaction.atomic():
        message = OutboxMessage.objects.create(task_name="config.outbox_prune")
    with outbox.delivery(message.pk) as run:
        assert run
        run.confirm()
        assert run.unlocked
    assert OutboxMessage.objects.get(pk=message.pk).status == OutboxMessage.Status.DONE
    with outbox.delivery(message.pk) as again:
        assert not again  # done: not run twice
    with outbox.delivery(message.pk + 1000) as ghost:
        assert not ghost  # no such message (its savepoint was rolled back): not run
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:  # another session takes the lock: nobody holds it
            cursor.execute("SELECT pg_try_advisory_lock(%s, %s), pg_advisory_unlock(%s, %s)",
                           [outbox._LOCK_NAMESPACE, message.pk] * 2)
            assert cursor.fetchone() == (True, True)
    finally:
        other.close()
