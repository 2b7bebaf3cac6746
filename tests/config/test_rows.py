"""A RowBatch writes the rows of one business action in one statement, inside its transaction."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from config import outbox
from config.audit import audit_record
from config.models import AuditEntry, OutboxMessage
from config.rows import RowBatch
from policies.models import InsuranceYearAccount, Policy
from tests.factories import PolicyFactory

pytestmark = pytest.mark.django_db


def test_inserts_updates_and_increments_go_out_in_one_statement_with_their_pks(
    django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(outbox, "publish", lambda pk, **kw: published.append(pk))
    policy = PolicyFactory()
    account = InsuranceYearAccount.objects.filter(section__policy=policy).first()
    committed = account.committed
    rows = RowBatch()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = audit_record(actor=None, action="test.one", obj=account, rows=rows)
        second = audit_record(actor=None, action="test.two", obj=account, rows=rows)
        message = outbox.enqueue("config.outbox_sweep", rows=rows)
        rows.increment(account, "committed", Decimal("10.00"))
        rows.increment(account, "committed", Decimal("5.00"))  # one row, changed once
        rows.update(Policy.objects.filter(pk=policy.pk), it_security_criterion="iso27001")
        assert first.pk is None and not AuditEntry.objects.filter(action="test.one").exists()
        with CaptureQueriesContext(connection) as captured:
            rows.write()
        assert len(captured.captured_queries) == 1
    assert first.pk and second.pk and second.pk != first.pk
    assert list(AuditEntry.objects.filter(pk__in=[first.pk, second.pk])
                .values_list("action", flat=True).order_by("pk")) == ["test.one", "test.two"]
    assert OutboxMessage.objects.filter(pk=message.pk).exists()
    assert published == [message.pk]  # published after commit, under its pk
    account.refresh_from_db()
    assert account.committed == committed + Decimal("15.00")
    assert Policy.objects.get(pk=policy.pk).it_security_criterion == "iso27001"


def test_nothing_is_written_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks, monkeypatch
):
    published = []
    monkeypatch.setattr(outbox, "publish", lambda pk, **kw: published.append(pk))
    account = InsuranceYearAccount.objects.filter(section__policy=PolicyFactory()).first()
    with (django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError),
          transaction.atomic()):
        rows = RowBatch()
        audit_record(actor=None, action="test.rolled_back", obj=account, rows=rows)
        outbox.enqueue("config.outbox_sweep", rows=rows)
        rows.write()
        raise RuntimeError("the business action failed")
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()
    assert published == []
