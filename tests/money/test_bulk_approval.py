"""Bulk approval: many settlements approved by the workers, in tasks of several, each in its own
transaction exactly as one approval (admin action, ``POST /api/settlements/approve/``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.money import tasks
from claims.money.models import Settlement, SettlementState
from claims.money.services import (
    cost_line_add,
    settlement_propose,
    settlements_approve_in_background,
)
from claims.money.services import settlements as settlement_services
from config.models import OutboxMessage
from tests.factories import category, claim_in_settlement
from tests.otp import staff_login

pytestmark = pytest.mark.django_db


def proposed(policy, holder_user, adjuster, amounts):
    """One proposed settlement per amount (claimed for restoration; deductible 1,000.00)."""
    settlements = []
    for amount in amounts:
        claim = claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster)
        cost_line_add(claim=claim, category=category("restoration"), amount=Decimal(amount),
                      payee_kind="policyholder", by=adjuster)
        settlements.append(settlement_propose(claim=claim, by=adjuster))
    return settlements


def queued_tasks():
    return list(OutboxMessage.objects.filter(task_name="money.settlements_approve")
                .order_by("pk").values_list("kwargs", flat=True))


def test_the_open_settlements_are_queued_in_tasks_of_several(
        policy_100k, holder_user, adjuster, monkeypatch):
    monkeypatch.setattr(settlement_services, "BULK_APPROVAL_CHUNK", 2)
    settlements = proposed(policy_100k, holder_user, adjuster, ["2000", "3000", "4000"])
    ids = [settlement.pk for settlement in settlements]

    assert settlements_approve_in_background(settlement_ids=[*ids, 999999], by=adjuster) == ids
    assert queued_tasks() == [{"settlement_ids": ids[:2], "user_id": adjuster.pk},
                              {"settlement_ids": ids[2:], "user_id": adjuster.pk}]


def test_the_workers_approve_each_and_one_that_cannot_be_leaves_the_others(
        policy_100k, holder_user, adjuster):
    """The adjuster's limit is 10,000.00: the 20,000.00 one waits for a team lead, the one
    decided meanwhile is reported, the others are approved with their payments."""
    small, large, decided = proposed(policy_100k, holder_user, adjuster,
                                     ["3000", "21000", "2500"])
    tasks.settlements_approve_task([decided.pk], adjuster.pk)

    outcome = tasks.settlements_approve_task([small.pk, large.pk, decided.pk], adjuster.pk)

    assert outcome[str(small.pk)] == SettlementState.APPROVED
    assert outcome[str(large.pk)] == SettlementState.PENDING_TEAM_LEAD
    assert outcome[str(decided.pk)].startswith("not approved: Settlement")
    small = Settlement.objects.get(pk=small.pk)
    assert small.approved_amount == Decimal("2000.00")
    assert small.payments.count() == 1


def test_nothing_is_queued_for_a_wrong_choice_or_a_wrong_user(
        policy_100k, holder_user, adjuster, monkeypatch):
    [settlement] = proposed(policy_100k, holder_user, adjuster, ["2000"])
    with pytest.raises(PermissionDeniedError):
        settlements_approve_in_background(settlement_ids=[settlement.pk], by=holder_user)
    with pytest.raises(ClaimValidationError, match="None of the chosen settlements"):
        settlements_approve_in_background(settlement_ids=[999999], by=adjuster)
    monkeypatch.setattr(settlement_services, "BULK_APPROVAL_MAX", 2)
    with pytest.raises(ClaimValidationError, match="at most 2 settlements"):
        settlements_approve_in_background(settlement_ids=[1, 2, 3], by=adjuster)
    assert queued_tasks() == []


def test_the_admin_approves_the_selected_settlements_in_the_background(
        client, policy_100k, holder_user, adjuster):
    settlements = proposed(policy_100k, holder_user, adjuster, ["2000", "3000"])
    staff_login(client, adjuster)
    response = client.post(reverse("admin:money_settlement_changelist"), {
        "action": "approve_selected",
        "_selected_action": [settlement.pk for settlement in settlements],
    })
    assert response.status_code == 302
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("2 settlements are being approved in the background")
    assert queued_tasks() == [{"settlement_ids": [s.pk for s in settlements],
                               "user_id": adjuster.pk}]


def test_the_api_queues_a_bulk_approval_and_names_bad_input(policy_100k, holder_user, adjuster):
    settlements = proposed(policy_100k, holder_user, adjuster, ["2000", "3000"])
    ids = [settlement.pk for settlement in settlements]
    api = APIClient()
    api.force_login(adjuster)
    url = reverse("api:settlements-approve")

    response = api.post(url, {"settlements": ids}, format="json")
    assert response.status_code == 202, response.content
    assert response.json() == {"queued": ids}

    response = api.post(url, {"settlements": []}, format="json")
    assert response.status_code == 400
    assert "settlements" in response.json()["error"]["fields"]
    response = api.post(url, {"settlements": [999999]}, format="json")
    assert response.status_code == 400
    assert "None of the chosen settlements" in str(response.json())
    response = api.post(url, {"settlements": ids, "approved_amount": "1.00"}, format="json")
    assert response.status_code == 400  # a field it does not take: named, nothing queued
    assert "approved_amount" in response.json()["error"]["fields"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_the_bulk_approval_runs_after_its_commit(
        policy_100k, holder_user, adjuster, monkeypatch):
    """``make run`` on the embedded default has no broker: the tasks run in the process right
    after the commit, so the team lead sees the settlements approved on the next page."""
    from config.celery import app

    monkeypatch.setitem(app.conf, "CELERY_TASK_ALWAYS_EAGER", True)  # no broker
    settlements = proposed(policy_100k, holder_user, adjuster, ["2000", "3000"])
    settlements_approve_in_background(settlement_ids=[s.pk for s in settlements], by=adjuster)
    assert set(Settlement.objects.filter(pk__in=[s.pk for s in settlements])
               .values_list("state", flat=True)) <= {SettlementState.APPROVED,
                                                    SettlementState.PAID}
    assert set(OutboxMessage.objects.filter(task_name="money.settlements_approve")
               .values_list("status", flat=True)) == {OutboxMessage.Status.DONE}
