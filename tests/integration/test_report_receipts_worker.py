"""The asynchronous report end to end: the API answers 202 with a receipt, beat's registrar task
(enqueued through the outbox, as beat sends it) runs in a real Celery worker against the test
database, and the receipt's status resource then names the claim; a second run registers
nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim, ReportReceipt
from config import outbox
from config.models import AuditEntry
from tests.factories import PolicyholderFactory, UserFactory, make_policy, make_team_lead
from tests.integration.conftest import finished_runs, wait_for

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TASK = "claims.report_receipts_register"



def test_a_real_worker_registers_the_reports_the_api_received(celery_worker):
    lead = make_team_lead("lead")
    holder_user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=holder_user), created_by=lead)
    client = APIClient()
    client.force_authenticate(holder_user)
    answers = [client.post("/api/me/claims/", {
        "policy": policy.pk, "loss_type": "ransomware",
        "loss_date": str(timezone.localdate() - timedelta(days=day)),
        "description": f"Encrypted overnight, server {day}.",
    }, format="json", HTTP_PREFER="respond-async") for day in (1, 2)]
    assert [answer.status_code for answer in answers] == [202, 202]
    assert not Claim.objects.filter(policy=policy).exists()  # nothing registered in the request

    with transaction.atomic():
        outbox.enqueue(TASK)  # what beat sends every few seconds

    wait_for(lambda: not ReportReceipt.objects.filter(
        status=ReportReceipt.Status.RECEIVED).exists(), timeout=30)
    receipts = list(ReportReceipt.objects.order_by("pk"))
    assert [receipt.status for receipt in receipts] == ["registered", "registered"]
    claims = {claim.pk: claim for claim in Claim.objects.filter(policy=policy)}
    assert sorted(claims) == sorted(receipt.claim_id for receipt in receipts)
    status = client.get(answers[0].data["url"]).json()
    assert status["status"] == "registered"
    assert status["claim"]["number"] == claims[receipts[0].claim_id].number
    assert AuditEntry.objects.filter(action="claim.reported",
                                     claim_id__in=list(claims)).count() == 2
    wait_for(lambda: len(finished_runs(celery_worker, TASK)) >= 1, timeout=20)

    with transaction.atomic():
        outbox.enqueue(TASK)
    wait_for(lambda: len(finished_runs(celery_worker, TASK)) >= 2, timeout=20)
    assert finished_runs(celery_worker, TASK)[-1].rstrip().endswith(": 0")
    assert Claim.objects.filter(policy=policy).count() == 2
