"""A report under an event, registered by the worker: the claim is linked to its event and is
matched against the other events only if one of them covers its loss date."""

from __future__ import annotations

import pytest
from django.utils import timezone

from claims.events.models import EventClaim, EventReport
from claims.events.services import (
    claim_suggest_events,
    event_report_register,
    event_report_submit,
    event_reports_register,
)
from claims.models import Claim
from config.models import AuditEntry, OutboxMessage
from coverage.models import LossType
from policies.models import Policyholder
from tests.events.conftest import declare, other_holder_policy

pytestmark = pytest.mark.django_db

SUGGEST = "events.claim_suggest_events"


def _register(event, holder_user, cyber_policy):
    report, _ = event_report_submit(
        event=event, user=holder_user, policy=cyber_policy,
        loss_type=LossType.objects.get(code="ransomware"), loss_date=timezone.localdate(),
        description="Encrypted by LockBridge through the FileBridge MFT flaw.")
    return event_report_register(report_id=report.pk)


def test_a_claim_under_its_only_event_is_not_matched_again(event, holder_user, cyber_policy):
    claim = _register(event, holder_user, cyber_policy)
    assert EventClaim.objects.get().claim == claim
    assert not OutboxMessage.objects.filter(task_name=SUGGEST).exists()


def test_a_claim_under_one_of_two_events_is_matched_against_the_other(
        event, adjuster, holder_user, cyber_policy):
    other = declare(adjuster, name="FileBridge, second wave")
    claim = _register(event, holder_user, cyber_policy)
    assert OutboxMessage.objects.filter(task_name=SUGGEST, kwargs={"claim_id": claim.pk}).exists()
    assert [s.event_id for s in claim_suggest_events(claim_id=claim.pk)] == [other.pk]


def _receive(event, user, policy, count, description="Encrypted by LockBridge ({index}).",
             **fields):
    ransomware = LossType.objects.get(code="ransomware")
    return [event_report_submit(
        event=event, user=user, policy=policy, loss_type=ransomware,
        loss_date=timezone.localdate(), description=description.format(index=index),
        **fields)[0] for index in range(count)]


def test_many_received_reports_each_become_one_linked_claim_once(
        event, adjuster, holder_user, cyber_policy):
    from claims.services.registrar import REGISTER_BATCH

    reports = _receive(event, holder_user, cyber_policy, REGISTER_BATCH + 3)
    # One of them the rules refuse now: the policy's holder changed meanwhile.
    stranger_policy, _stranger = other_holder_policy("Someone Else", adjuster)
    Policyholder.objects.filter(pk=stranger_policy.policyholder_id).update(
        email="someone@example.com")
    EventReport.objects.filter(pk=reports[7].pk).update(policy=stranger_policy)
    assert event_reports_register() == REGISTER_BATCH + 2
    assert event_reports_register() == 0  # nothing twice
    by_status = dict(EventReport.objects.values_list("pk", "status"))
    assert by_status.pop(reports[7].pk) == "failed"
    assert set(by_status.values()) == {"registered"}
    links = EventClaim.objects.filter(event=event)
    assert links.count() == Claim.objects.count() == REGISTER_BATCH + 2
    assert {link.claim_id for link in links} == set(
        EventReport.objects.filter(status="registered").values_list("claim_id", flat=True))
    assert AuditEntry.objects.filter(action="event.claim_linked").count() == REGISTER_BATCH + 2
    assert AuditEntry.objects.filter(action="claim.reported").count() == REGISTER_BATCH + 2
    failed = EventReport.objects.get(pk=reports[7].pk)
    assert failed.error and failed.processed_at and failed.claim_id is None
    assert OutboxMessage.objects.filter(
        task_name="config.email_send", kwargs__recipients=["someone@example.com"],
        kwargs__subject__icontains="could not be registered").count() == 1
    # The claims keep the order and the time the reports came in.
    registered = EventReport.objects.filter(status="registered").select_related("claim")
    assert all(report.claim.reported_at == report.received_at for report in registered)


def test_a_batch_of_reports_is_registered_in_a_fixed_number_of_statements_per_report(
        event, holder_user, cyber_policy, django_assert_max_num_queries):
    _receive(event, holder_user, cyber_policy, 2)
    event_reports_register()  # warm-up: the statements are compiled once per connection
    _receive(event, holder_user, cyber_policy, 20, description="Report {index}: encrypted.")
    # Per report: its savepoint and release, the number, the duplicate candidates, the claim,
    # the activity templates, the policyholder's language and its rows; per batch: the list,
    # the locked read, the links, whether another event covers the date and one batch of rows
    # (and the test's savepoint for the transaction). 15 statements a report before.
    with django_assert_max_num_queries(20 * 8 + 7):
        assert event_reports_register() == 20


def test_a_report_that_breaks_the_batch_leaves_the_others_registered(
        event, holder_user, cyber_policy, monkeypatch):
    from claims.events.services import intake

    reports = _receive(event, holder_user, cyber_policy, 5)
    EventReport.objects.filter(pk=reports[3].pk).update(description="poison")
    real_claim_report = intake.claim_report

    def breaking(**kwargs):
        if kwargs["description"] == "poison":
            raise RuntimeError("a bug")
        return real_claim_report(**kwargs)

    monkeypatch.setattr(intake, "claim_report", breaking)
    with pytest.raises(RuntimeError):
        event_reports_register()
    statuses = dict(EventReport.objects.values_list("pk", "status"))
    assert [statuses[report.pk] for report in reports] == [
        "registered", "registered", "registered", "received", "received"]
    monkeypatch.setattr(intake, "claim_report", real_claim_report)
    assert event_reports_register() == 2
    assert EventClaim.objects.count() == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_reports_another_registrar_holds_are_left_to_it(adjuster):
    import threading

    from django.db import connection, transaction

    from tests.factories import PolicyholderFactory, UserFactory, make_policy

    event = declare(adjuster, name="FileBridge, locked")
    user = UserFactory(username="locked_holder")
    policy = make_policy(holder=PolicyholderFactory(user=user, company_name="Locked GmbH"),
                         product="cyber", created_by=adjuster)
    reports = _receive(event, user, policy, 4)
    held, release = threading.Event(), threading.Event()

    def other_registrar():
        try:
            with transaction.atomic():
                list(EventReport.objects.select_for_update().filter(
                    pk__in=[reports[0].pk, reports[2].pk]))
                held.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=other_registrar)
    thread.start()
    try:
        assert held.wait(30)
        assert event_reports_register() == 2
        statuses = dict(EventReport.objects.values_list("pk", "status"))
        assert [statuses[report.pk] for report in reports] == [
            "received", "registered", "received", "registered"]
    finally:
        release.set()
        thread.join(30)
    assert event_reports_register() == 2
    assert EventClaim.objects.filter(event=event).count() == 4
