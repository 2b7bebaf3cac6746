"""One way to enqueue a Celery task: ``enqueue(task_name, **kwargs)``.

The message is stored in the caller's transaction and published after commit: in production by
the workers' relay (``config.relay``), which looks for pending messages every
``OUTBOX_RELAY_POLL`` seconds, so the process that committed (a request, an approval) does no
broker work; else (``OUTBOX_PUBLISHER``) by a thread of the committing process or by the
committing thread itself. Its life:

- ``pending``: committed, not yet handed to the broker (or the broker did not answer);
- ``sent``: handed to the broker under the Celery task id ``outbox-<pk>``;
- ``done``: the task ran to the end in a worker (``OutboxTask`` confirms it), never earlier;
- ``failed``: the task raised ``OUTBOX_MAX_ATTEMPTS`` times (exponential back-off in between).

A request never waits on a broker that is down or frozen: where a process publishes its own
commits, it uses the short broker timeouts (about 1 s), and once that failed it stops trying for
a few seconds (the breaker), leaving the rows ``pending``. The relay (``config.relay``, a thread
in every worker, and the beat's sweep) sends pending rows as soon as the broker answers again, and
sends again what was handed to a broker that lost it (Redis restarted) or to a worker that died.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import queue
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from config.celery import app
from config.models import OutboxMessage
from config.rows import RowBatch
from config.statements import Prepared, pipeline, send_sql

logger = logging.getLogger(__name__)
TASK_ID_PREFIX = "outbox-"
# Advisory-lock namespace of running outbox messages (one delivery of a message runs at a time).
_LOCK_NAMESPACE = 7340

# The most messages the publisher thread (or a pass of the relay) sends in one transaction.
PUBLISH_BATCH = 100
# The publisher thread marks what it sent at most this many seconds later, with what it sent
# meanwhile (one statement for many commits). Well under ``OUTBOX_RELAY_GRACE``: the relay
# leaves a pending message alone that long. A mark lost (the process ends first) is harmless:
# the relay sends the message again and the second delivery finds it done.
MARK_DELAY_SECONDS = 0.25
# The breaker: monotonic time until which this process does not try the broker after commit.
_broker_down_until = 0.0


class UnknownTask(LookupError):
    """``enqueue`` was given a task name that no app registers."""


def _task(name: str):
    """The registered task called ``name``; the apps' ``tasks`` modules are imported on first use
    (Celery discovers them lazily, and a web process may not have imported them yet)."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    try:
        return app.tasks[name]
    except KeyError:
        raise UnknownTask(f"No Celery task is registered as {name!r}.") from None


def enqueue(task_name: str, *, rows: RowBatch | None = None, **kwargs) -> OutboxMessage:
    """Record ``task_name(**kwargs)`` now; publish it once the current transaction commits.
    ``rows``: the message is written with the caller's batch (same transaction).

    The messages of one transaction are published together, after its commit (one publish for
    all of them). An unknown task name fails here, in the caller's transaction, not after
    commit."""
    _task(task_name)
    message = OutboxMessage(task_name=task_name, kwargs=kwargs)
    by_relay = published_by_relay()
    if rows is not None:
        rows.insert(message)
        if not by_relay:
            rows.after_write(lambda: _publish_after_commit(message))
        return message
    message.save(force_insert=True)
    if not by_relay:
        _publish_after_commit(message)
    return message


def published_by_relay() -> bool:
    """Whether the workers' relay hands committed messages to the broker
    (``OUTBOX_PUBLISHER = "relay"``, the production default): then the committing process
    registers nothing to do after its commit. Without a broker (tasks eager), the committing
    process always runs them itself."""
    return settings.OUTBOX_PUBLISHER == "relay" and not app.conf.task_always_eager


class _AfterCommit:
    """The messages of one transaction (at one savepoint level), published by one callback."""

    def __init__(self, savepoints: tuple) -> None:
        self.savepoints = savepoints
        self.messages: list[OutboxMessage] = []

    def __call__(self) -> None:
        # A message of a savepoint rolled back meanwhile has no row: should it be sent, its
        # delivery finds no message and does not run it (``delivery``).
        _after_commit_many([message for message in self.messages if message.pk is not None])


def _publish_after_commit(message: OutboxMessage) -> None:
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: it is committed already
        _after_commit_many([message])
        return
    savepoints = tuple(connection.savepoint_ids)
    group = connection.__dict__.get("_outbox_after_commit")
    if (group is None or group.savepoints != savepoints
            or not any(entry[1] is group for entry in connection.run_on_commit)):
        group = connection.__dict__["_outbox_after_commit"] = _AfterCommit(savepoints)
        transaction.on_commit(group)
    group.messages.append(message)


def _after_commit_many(messages: list[OutboxMessage]) -> None:
    """Publish the messages a transaction committed now, or hand them to this process's
    publisher thread, so that the response (or the task) that committed them does not wait on
    the broker at all. Their task names and arguments are known here: publishing them needs no
    read of their rows (``known``)."""
    if not messages or published_by_relay():
        return
    if settings.OUTBOX_PUBLISHER == "thread" and not app.conf.task_always_eager:
        queue_ = _publisher()
        for message in messages:
            queue_.put(message)
    elif len(messages) == 1:
        publish(messages[0].pk, known=_known(messages))
    else:
        publish_many([message.pk for message in messages], known=_known(messages))


def _known(messages: list[OutboxMessage]) -> dict[int, tuple[str, dict]]:
    return {message.pk: (message.task_name, message.kwargs) for message in messages}


_publisher_queue: queue.SimpleQueue | None = None
_publisher_pid: int | None = None
_publisher_thread: threading.Thread | None = None
_publisher_lock = threading.Lock()
# At exit, how long to wait for the publisher thread to send what it holds.
_DRAIN_WAIT_SECONDS = 10


def _publisher() -> queue.SimpleQueue:
    """The queue of this process's publisher thread (started on first use, again after a fork).
    Messages it has not sent when the process ends stay pending: the relay sends them."""
    global _publisher_queue, _publisher_pid, _publisher_thread
    with _publisher_lock:
        if _publisher_queue is None or _publisher_pid != os.getpid():
            _publisher_queue, _publisher_pid = queue.SimpleQueue(), os.getpid()
            _publisher_thread = threading.Thread(
                target=_publish_forever, args=(_publisher_queue,), name="outbox-publisher",
                daemon=True)
            _publisher_thread.start()
            atexit.register(_drain, _publisher_queue)
        return _publisher_queue


def _drain(messages: queue.SimpleQueue) -> None:
    """At exit (a management command, a script): let the thread finish what it holds (it takes
    several messages at a time), then publish what it has not taken."""
    thread = _publisher_thread
    if (messages is _publisher_queue and _publisher_pid == os.getpid() and thread is not None
            and thread.is_alive()):
        done = threading.Event()
        messages.put(done)  # the thread sets it once everything queued before is handled
        done.wait(timeout=_DRAIN_WAIT_SECONDS)
    while True:
        try:
            item = messages.get_nowait()
        except queue.Empty:
            return
        if isinstance(item, threading.Event):
            continue
        with contextlib.suppress(Exception):
            publish(item.pk, known=_known([item]))


def _publish_forever(messages: queue.SimpleQueue) -> None:
    unmarked: list[int] = []  # sent, not yet marked sent
    mark_by = 0.0
    while True:
        try:
            first = messages.get(timeout=max(0.0, mark_by - time.monotonic())
                                 if unmarked else None)
        except queue.Empty:  # nothing came in before the mark was due
            _mark_sent(unmarked)
            continue
        batch = [first]  # and whatever else is waiting: sent together
        while len(batch) < PUBLISH_BATCH and not isinstance(batch[-1], threading.Event):
            try:
                batch.append(messages.get_nowait())
            except queue.Empty:
                break
        taken = [item for item in batch if not isinstance(item, threading.Event)]
        draining = len(taken) < len(batch)
        try:
            if taken and not unmarked:
                mark_by = time.monotonic() + MARK_DELAY_SECONDS
            if taken:
                unmarked += _publish_taken(taken)
            if unmarked and (draining or len(unmarked) >= PUBLISH_BATCH
                             or time.monotonic() >= mark_by):
                _mark_sent(unmarked)
        except Exception:  # the database is down: the relay sends them later
            logger.warning("could not publish outbox messages %s",
                           [message.pk for message in taken], exc_info=True)
            unmarked.clear()
            with contextlib.suppress(Exception):
                connection.close()
        finally:
            for item in batch:
                if isinstance(item, threading.Event):
                    item.set()


def _publish_taken(taken: list[OutboxMessage]) -> list[int]:
    """The publisher thread's send: the messages in key order (as ``publish_many``), each with
    the task name and arguments it was enqueued with; a message the broker did not take keeps
    its error at once. Returns the keys sent, for the thread to mark (``_mark_sent``)."""
    if not broker_available():  # the breaker is open: left pending for the relay
        return []
    known = _known(taken)
    sent, failed = _send([(pk, *known[pk]) for pk in sorted(known)])
    if failed is not None:
        _mark_quickly([], failed)
    return sent


def _mark_sent(unmarked: list[int]) -> None:
    """Mark the keys in ``unmarked`` sent (those still pending) and empty it. Should the
    database not answer, the marks are dropped (the relay sends those messages again and their
    second delivery finds them done) and the thread goes on."""
    try:
        _mark_quickly(unmarked, None)
    except Exception:
        logger.warning("could not mark outbox messages %s sent", unmarked, exc_info=True)
        with contextlib.suppress(Exception):
            connection.close()
    finally:
        unmarked.clear()


def message_id(task_id: str | None) -> int | None:
    """The outbox row behind a Celery task id (``outbox-<pk>``), or None for other tasks."""
    if task_id and task_id.startswith(TASK_ID_PREFIX):
        try:
            return int(task_id.removeprefix(TASK_ID_PREFIX))
        except ValueError:
            return None
    return None


def broker_available() -> bool:
    """False while the breaker is open (a publish of this process failed moments ago)."""
    return time.monotonic() >= _broker_down_until


def _open_breaker() -> None:
    global _broker_down_until
    _broker_down_until = time.monotonic() + settings.OUTBOX_BREAKER_SECONDS


def _close_breaker() -> None:
    global _broker_down_until
    _broker_down_until = 0.0


def publish(message_id: int, *, force: bool = False,
            known: dict[int, tuple[str, dict]] | None = None) -> bool:
    """Hand one pending message to the broker; on failure leave it pending for the relay.

    Called after commit (``force=False``: skipped while the breaker is open, so a request does not
    wait on a broker known to be down) and by the relay (``force=True``). ``known``: see
    ``publish_many``."""
    if app.conf.task_always_eager:
        return run_in_process(message_id)
    return publish_many([message_id], force=force, known=known) == 1


_PENDING_LOCKED = Prepared(lambda p: (
    OutboxMessage.objects.select_for_update(skip_locked=True)
    .filter(pk__in=p.ints("ids"), status=OutboxMessage.Status.PENDING)
    .order_by("pk").values_list("pk", "task_name", "kwargs")
))


def publish_many(message_ids: list[int], *, force: bool = False,
                 known: dict[int, tuple[str, dict]] | None = None) -> int:
    """``publish`` for several messages (one producer, one write for all): the publisher thread
    sends what committed meanwhile together, a transaction's own publish after commit its
    messages. Stops at the first message the broker does not take (it stays pending with its
    error, the rest untouched, as the breaker then holds back the next publish). Returns how
    many were sent.

    The relay (``known`` None) reads the pending rows locked (``SKIP LOCKED``) in the transaction
    that marks them sent, so two relays never send the same message at once. After its own
    commit a process knows the task names and arguments (``known``: pk -> (task name, kwargs)):
    it sends them without that read and then marks as sent those still pending. The relay takes
    a message only once it has waited ``OUTBOX_RELAY_GRACE`` seconds; should both ever send one,
    the second delivery finds it done and does not run (``delivery``)."""
    if app.conf.task_always_eager:
        return sum(run_in_process(message_id) for message_id in message_ids)
    if not force and not broker_available():
        return 0
    ids = sorted(set(message_ids))
    if known is not None and all(pk in known for pk in ids):
        return _publish_known([(pk, *known[pk]) for pk in ids])
    with transaction.atomic():
        with pipeline():  # BEGIN, the setting and the read in one round trip
            with connection.cursor() as cursor:
                # Whether a message was handed over is bookkeeping, not money: the commit need
                # not wait for the disk. Lost in a crash of PostgreSQL, the row is pending again
                # and sent again (a delivery runs once: ``delivery``); any later commit that
                # waits for the disk takes this one with it.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            rows = _PENDING_LOCKED.all(ids=sorted(set(message_ids)))
        if not rows:
            return 0
        sent, failed = _send(rows)
        with connection.cursor() as cursor:
            _mark(cursor, sent, failed, only_pending=False)
        return len(sent)


def _send(rows: list[tuple[int, str, dict]]) -> tuple[list[int], tuple[int, str] | None]:
    """Hand ``rows`` (pk, task name, kwargs) to the broker in order, until the first it does
    not take; returns the pks sent and the one that failed with its error."""
    sent: list[int] = []
    failed: tuple[int, str] | None = None
    try:
        with app.producer_or_acquire() as producer:
            for pk, task_name, kwargs in rows:
                _task(task_name).apply_async(kwargs=kwargs, task_id=f"{TASK_ID_PREFIX}{pk}",
                                             retry=False, producer=producer)
                sent.append(pk)
        _close_breaker()
    except Exception as error:  # broker down, frozen or timed out: kept for the relay
        _open_breaker()
        if len(sent) < len(rows):
            pk, task_name, _kwargs = rows[len(sent)]
            logger.warning("could not enqueue %s #%s: %s", task_name, pk, error)
            failed = (pk, f"{type(error).__name__}: {error}"[:2000])
    return sent, failed


def _mark(cursor, sent: list[int], failed: tuple[int, str] | None, *, only_pending: bool
          ) -> None:
    """Record the hand-over: ``sent`` are sent (one more attempt), ``failed`` keeps its error.
    ``only_pending``: leave alone a row that moved on meanwhile (its task may have run)."""
    table = connection.ops.quote_name(OutboxMessage._meta.db_table)
    pending = " AND status = %s" if only_pending else ""
    extra = [OutboxMessage.Status.PENDING.value] if only_pending else []
    if sent:
        cursor.execute(
            f"UPDATE {table} SET status = %s, sent_at = %s, attempts = attempts + 1 "
            f"WHERE id = ANY(%s){pending}",
            [OutboxMessage.Status.SENT.value, timezone.now(), sent, *extra])
    if failed is not None:
        cursor.execute(f"UPDATE {table} SET attempts = attempts + 1, last_error = %s "
                       f"WHERE id = %s{pending}", [failed[1], failed[0], *extra])


def _publish_known(rows: list[tuple[int, str, dict]]) -> int:
    """``publish_many`` of messages this process committed: sent first, then marked in one
    transaction whose commit does not wait for the disk (the mark is bookkeeping, see
    ``publish_many``; waiting for the disk here made every approval wait for a second flush)."""
    sent, failed = _send(rows)
    _mark_quickly(sent, failed)
    return len(sent)


def _mark_quickly(sent: list[int], failed: tuple[int, str] | None) -> None:
    """``_mark`` of messages this process sent (those still pending), in a transaction whose
    commit does not wait for the disk."""
    if sent or failed is not None:
        with transaction.atomic(), pipeline(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            _mark(cursor, sent, failed, only_pending=True)


def run_in_process(message_id: int) -> bool:
    """No broker (development without REDIS_URL): run the task in-process, after commit, outside
    any transaction of ours; the task confirms its row itself."""
    updated = OutboxMessage.objects.filter(
        pk=message_id, status=OutboxMessage.Status.PENDING
    ).update(status=OutboxMessage.Status.SENT, sent_at=timezone.now(), attempts=1)
    if updated:
        message = OutboxMessage.objects.get(pk=message_id)
        _task(message.task_name).apply(kwargs=message.kwargs, task_id=message.celery_task_id)
    return bool(updated)


# --- the worker's side: run each message once, confirm it, back off after a failure -------------


_STATUS = Prepared(lambda p: OutboxMessage.objects.filter(pk=p.int("message_id"))
                   .values_list("status", flat=True))


class Delivery:
    """One run of an outbox message in a worker (``delivery``): true when it may run."""

    def __init__(self, message_id: int, runnable: bool) -> None:
        self.message_id = message_id
        self.runnable = runnable
        self.unlocked = False

    def __bool__(self) -> bool:
        return self.runnable

    def confirm(self) -> None:
        """The task ran to the end: the message is done, and its lock is released (one round
        trip for both)."""
        table = connection.ops.quote_name(OutboxMessage._meta.db_table)
        done = OutboxMessage.Status.DONE.value
        with pipeline(), connection.cursor() as cursor:
            # The SQL of every task's end, without the ORM's cost.
            cursor.execute(f"UPDATE {table} SET status = %s, done_at = %s, last_error = '' "
                           "WHERE id = %s AND status <> %s",
                           [done, timezone.now(), self.message_id, done])
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)",
                           [_LOCK_NAMESPACE, self.message_id])
            self.unlocked = True


@contextmanager
def delivery(message_id: int):
    """Around one run of an outbox task: yields a ``Delivery``, false when the message must not
    run (done, failed or given up, or another delivery of it is running right now); the task
    calls its ``confirm()`` once it has run to the end.

    A PostgreSQL advisory lock (session level, so the task keeps its own durable transactions)
    makes a redelivered copy wait its turn instead of running twice in parallel. The lock and
    the message's status are asked for in one round trip (the status is read after the lock is
    taken: statements of a pipeline run one after the other)."""
    with pipeline():
        lock_read = send_sql("SELECT pg_try_advisory_lock(%s, %s)", [_LOCK_NAMESPACE, message_id])
        status_read = _STATUS.send(message_id=message_id)
        [(locked,)] = lock_read()
        statuses = status_read()
    if not locked:
        yield Delivery(message_id, False)
        return
    run = Delivery(message_id, bool(statuses) and statuses[0] in (
        OutboxMessage.Status.PENDING, OutboxMessage.Status.SENT))
    try:
        yield run
    finally:
        if not run.unlocked:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)",
                                   [_LOCK_NAMESPACE, message_id])
            except Exception:  # the connection is gone, and the lock with it
                logger.debug("advisory unlock of outbox %s failed", message_id, exc_info=True)


def backoff_seconds(failures: int) -> int:
    """Seconds before the next attempt after ``failures`` failed runs: base * 2^(n-1), capped."""
    base, cap = settings.OUTBOX_BACKOFF_BASE, settings.OUTBOX_BACKOFF_MAX
    return int(min(cap, base * 2 ** max(0, failures - 1)))


def record_failure(message_id: int, error: BaseException) -> None:
    """The task raised: send it again after an exponentially growing pause, or give up."""
    with transaction.atomic():
        message = OutboxMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status == OutboxMessage.Status.DONE:
            return
        message.failures += 1
        message.last_error = f"{type(error).__name__}: {error}"[:2000]
        if message.failures >= settings.OUTBOX_MAX_ATTEMPTS:
            message.status = OutboxMessage.Status.FAILED
            logger.error("giving up on %s after %s failures: %s", message, message.failures, error)
        else:
            message.status = OutboxMessage.Status.PENDING
            message.next_attempt_at = timezone.now() + timedelta(
                seconds=backoff_seconds(message.failures)
            )
        message.save(update_fields=["failures", "last_error", "status", "next_attempt_at"])


# --- the relay: send what is due, again what was lost ------------------------------------------


def _due(now, older_than: timedelta):
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.PENDING, created_at__lte=now - older_than
    ).filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))


def requeue_unconfirmed(*, sent_before) -> int:
    """Messages handed to the broker before ``sent_before`` whose task has not run (the broker
    lost them, or the worker died): pending again, for the relay to send."""
    return OutboxMessage.objects.filter(
        status=OutboxMessage.Status.SENT, sent_at__lt=sent_before
    ).update(status=OutboxMessage.Status.PENDING)


def relay_send() -> int:
    """The relay's pass where processes leave their commits to it (``published_by_relay``): the
    pending messages past their back-off, oldest first, at most ``PUBLISH_BATCH``, read locked
    (``SKIP LOCKED``: two relays never take the same message), handed to the broker in order
    and marked sent in the same transaction. Stops at the first message the broker does not
    take (it keeps its error; the breaker opens). Returns how many were sent.

    No grace: nobody else sends these messages (``created_at`` is not compared either, so a
    web server's clock ahead of the worker's delays nothing). The mark's commit does not wait
    for the disk (bookkeeping, see ``publish_many``)."""
    with transaction.atomic():
        rows = _DUE_LOCKED.all(now=timezone.now())
        if not rows:  # most polls: one read, nothing written
            return 0
        sent, failed = _send(rows)
        with pipeline(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            _mark(cursor, sent, failed, only_pending=False)
    return len(sent)


_DUE_LOCKED = Prepared(lambda p: (
    OutboxMessage.objects.select_for_update(skip_locked=True)
    .filter(status=OutboxMessage.Status.PENDING)
    .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=p.datetime("now")))
    .order_by("created_at", "pk").values_list("pk", "task_name", "kwargs")[:PUBLISH_BATCH]
))


def outbox_sweep(*, older_than: timedelta | None = None, limit: int = 500) -> int:
    """Publish pending messages that are due (older than ``older_than``, default
    ``OUTBOX_RETRY_AFTER``, and past their back-off); first put back to pending what was sent
    more than ``OUTBOX_CONFIRM_AFTER`` seconds ago and never confirmed. Stops at the first broker
    failure (the broker is down: the next pass tries again). Returns how many were sent."""
    now = timezone.now()
    older_than = (
        older_than if older_than is not None else timedelta(seconds=settings.OUTBOX_RETRY_AFTER)
    )
    requeue_unconfirmed(sent_before=now - timedelta(seconds=settings.OUTBOX_CONFIRM_AFTER))
    pending = list(
        _due(now, older_than).order_by("created_at").values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pending:
        if publish(pk, force=True):
            sent += 1
        elif OutboxMessage.objects.filter(pk=pk, status=OutboxMessage.Status.PENDING).exists():
            break  # the broker did not take it: stop this pass
    return sent


def oldest_pending_age(now=None) -> float | None:
    """Seconds since the oldest message that has not run yet was created (None: nothing waits)."""
    now = now or timezone.now()
    oldest = (
        OutboxMessage.objects.filter(
            status__in=[OutboxMessage.Status.PENDING, OutboxMessage.Status.SENT]
        )
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return None if oldest is None else max(0.0, (now - oldest).total_seconds())


def outbox_prune(*, older_than: timedelta | None = None) -> int:
    """Delete done messages older than the retention period; returns how many."""
    older_than = older_than or timedelta(days=settings.OUTBOX_RETENTION_DAYS)
    deleted, _ = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.DONE, done_at__lt=timezone.now() - older_than
    ).delete()
    return deleted
