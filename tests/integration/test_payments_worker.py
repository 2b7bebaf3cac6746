"""Payments through a real Celery worker and Redis: paid once, whether the task runs twice, the
worker's pool process is killed mid-payment (the message is redelivered), or the whole worker is
killed (the payments sweep sends the payment again after the restart)."""

from __future__ import annotations

import os
import signal
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import OperationalError, connections, transaction

from claims.money.models import LedgerEntry, Payment, Settlement
from claims.money.services import (
    cost_line_add,
    payments_sweep,
    settlement_approve,
    settlement_propose,
)
from claims.money.tasks import payment_execute_task
from tests.factories import (
    PolicyholderFactory,
    UserFactory,
    category,
    claim_in_settlement,
    make_adjuster,
    make_policy,
)
from tests.integration.conftest import wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def approved_payment() -> Payment:
    """A settlement approved with one payment; its task is published after the commit."""
    adjuster = make_adjuster("adj")
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user), product="cyber",
                         created_by=adjuster, sections={"cyber_own_damage": "100000"})
    claim = claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster)
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("4000.00"),
                  payee_kind="policyholder", by=adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)
    return Payment.objects.get(claim=claim)


@contextmanager
def settlement_held(payment: Payment):
    """Hold the payment's settlement row locked from a connection of our own: a worker paying it
    stops in the middle of the payment (the payment row locked, nothing paid) until released."""
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Settlement._meta.db_table} WHERE id = %s FOR UPDATE",
                [payment.settlement_id],
            )
        yield
    finally:
        other.rollback()
        other.close()


def paid(payment: Payment) -> bool:
    return Payment.objects.get(pk=payment.pk).status == Payment.Status.PAID


def locked_by_a_task(payment: Payment) -> bool:
    """The payment row is locked: a worker is in the middle of paying it."""
    try:
        with transaction.atomic():
            Payment.objects.select_for_update(nowait=True).get(pk=payment.pk)
    except OperationalError:
        return True
    return False


def assert_paid_exactly_once(payment: Payment) -> None:
    entries = LedgerEntry.objects.filter(payment=payment, kind=LedgerEntry.Kind.PAYMENT)
    assert entries.count() == 1
    assert entries.get().amount == payment.amount
    assert Payment.objects.get(pk=payment.pk).claim.state == "paid"
    out = StringIO()
    call_command("check_ledger", stdout=out)
    assert out.getvalue().startswith("Ledger OK")


def pool_children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def test_a_payment_is_paid_by_the_worker_and_a_duplicate_task_pays_nothing(celery_worker):
    payment = approved_payment()
    wait_for(lambda: paid(payment), timeout=30)

    payment_execute_task.delay(payment.pk)
    payment_execute_task.delay(payment.pk)
    wait_for(lambda: not Payment.objects.filter(status="pending").exists(), timeout=5)
    celery_worker.stop()  # a warm shutdown finishes what it has taken

    assert_paid_exactly_once(payment)


def test_a_pool_process_killed_mid_payment_is_redelivered_and_pays_once(
    celery_worker, monkeypatch
):
    celery_worker.stop()
    payment = approved_payment()  # its task waits in the queue for the worker
    with settlement_held(payment):
        celery_worker.start(pool="prefork", concurrency=1)
        wait_for(lambda: locked_by_a_task(payment), timeout=30, every=0.1)

        children = pool_children(celery_worker.process.pid)
        assert children
        for child in children:
            os.kill(child, signal.SIGKILL)  # the pool process dies in the middle of the payment
        assert not paid(payment)

    wait_for(lambda: paid(payment), timeout=60)
    assert_paid_exactly_once(payment)
    assert Payment.objects.get(pk=payment.pk).attempts == 1  # redelivered, not re-enqueued


def test_a_worker_killed_mid_payment_and_restarted_pays_once(celery_worker, monkeypatch):
    celery_worker.stop()
    payment = approved_payment()  # its task waits in the queue for the worker
    with settlement_held(payment):
        # prefork: the main process answers the start-up ping while its pool process waits
        celery_worker.start(pool="prefork", concurrency=1)
        wait_for(lambda: locked_by_a_task(payment), timeout=30, every=0.1)
        celery_worker.kill()  # SIGKILL to the whole worker: its transaction is rolled back
    wait_for(lambda: not locked_by_a_task(payment), timeout=10)
    assert not paid(payment)
    assert not LedgerEntry.objects.filter(kind="payment").exists()

    celery_worker.start()
    assert payments_sweep(older_than=timedelta(0)) == 1  # what the beat task does every minute
    wait_for(lambda: paid(payment), timeout=30)
    assert_paid_exactly_once(payment)
