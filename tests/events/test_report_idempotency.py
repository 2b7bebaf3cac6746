"""A report under an event with an Idempotency-Key: the key, the report and the stored answer
commit together, so a retry (even a concurrent one) gets the first answer and nothing twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from claims.events.models import EventReport
from config.models import IdempotencyKey
from tests.events.conftest import declare
from tests.factories import PolicyholderFactory, UserFactory, make_policy


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(policy, description="All files encrypted by LockBridge."):
    return {"policy": policy.pk, "loss_date": timezone.localdate().isoformat(),
            "description": description}


@pytest.mark.django_db
def test_a_retried_report_returns_the_first_answer_and_stores_one_report(
        holder_user, event, cyber_policy, django_assert_max_num_queries):
    client = _client(holder_user)
    url = f"/api/me/events/{event.pk}/claims/"
    client.post(url, _body(cyber_policy), format="json", HTTP_IDEMPOTENCY_KEY="r-0")
    # key, event (this process's copy is current: is it open), policy, report, answer, savepoint
    with django_assert_max_num_queries(7):
        first = client.post(url, _body(cyber_policy), format="json",
                            HTTP_IDEMPOTENCY_KEY="r-1")
    again = client.post(url, _body(cyber_policy), format="json", HTTP_IDEMPOTENCY_KEY="r-1")
    assert first.status_code == again.status_code == 202
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert EventReport.objects.count() == 2
    stored = IdempotencyKey.objects.get(key="r-1")
    assert stored.response_status == 202 and stored.response_body["id"] == first.json()["id"]
    other = client.post(url, _body(cyber_policy, "Another incident"), format="json",
                        HTTP_IDEMPOTENCY_KEY="r-1")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert EventReport.objects.count() == 2


@pytest.mark.django_db
def test_the_event_a_report_reads_is_the_current_one(event, adjuster):
    from claims.events.selectors import (
        event_report_cause_ids,
        event_report_loss_types,
        open_event_for_report,
    )
    from claims.events.services import event_close, event_update
    from coverage.models import LossType

    assert event_report_cause_ids(open_event_for_report(event.pk)) == {
        loss_type.pk for loss_type in event_report_loss_types(event)}
    others = list(LossType.objects.exclude(code="ransomware").order_by("pk")[:3])
    changed = event_update(event=event, by=adjuster, loss_types=[*event.loss_types.all(),
                                                                 *others])
    assert event_report_cause_ids(open_event_for_report(event.pk)) == {
        loss_type.pk for loss_type in event_report_loss_types(changed)}
    event_close(event=changed, by=adjuster)
    assert open_event_for_report(event.pk) is None


@pytest.mark.django_db
def test_a_refused_report_keeps_no_key_so_it_can_be_sent_again(holder_user, event,
                                                              cyber_policy):
    client = _client(holder_user)
    url = f"/api/me/events/{event.pk}/claims/"
    bad = {**_body(cyber_policy), "loss_date": "2099-01-01"}
    assert client.post(url, bad, format="json", HTTP_IDEMPOTENCY_KEY="r-2").status_code == 400
    assert client.post(f"/api/me/events/{event.pk + 1000}/claims/", _body(cyber_policy),
                       format="json", HTTP_IDEMPOTENCY_KEY="r-2").status_code == 404
    assert not IdempotencyKey.objects.filter(key="r-2").exists()
    assert not EventReport.objects.exists()
    good = client.post(url, _body(cyber_policy), format="json", HTTP_IDEMPOTENCY_KEY="r-2")
    assert good.status_code == 202 and EventReport.objects.count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_reports_with_one_key_store_one_report(adjuster):
    event = declare(adjuster)
    user = UserFactory(username="burst_holder")
    policy = make_policy(holder=PolicyholderFactory(user=user, company_name="Burst GmbH"),
                         product="cyber", created_by=adjuster)
    url = f"/api/me/events/{event.pk}/claims/"

    def send(_):
        try:
            response = _client(user).post(url, _body(policy), format="json",
                                          HTTP_IDEMPOTENCY_KEY="burst")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(send, range(10)))
    assert {status for status, _ in results} == {202}
    assert len({body["id"] for _, body in results}) == 1
    assert EventReport.objects.count() == 1
