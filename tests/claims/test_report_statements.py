"""The SQL one report of a claim through the policyholder's API runs (issue 17): the session,
the login with its groups and policyholder record, the policy, the loss type, the claim number,
the duplicate candidates, the claim, whether an event covers the loss date, the activity
templates, the policyholder's language and one batch of rows (audit, activity, outbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Activity, Claim
from config.models import AuditEntry, OutboxMessage

pytestmark = pytest.mark.django_db

MAX_STATEMENTS = 11  # BEGIN/COMMIT and savepoints are not counted


def _report(client, policy, description: str):
    return client.post("/api/me/claims/", {
        "policy": policy.pk, "loss_type": "ransomware",
        "loss_date": str(timezone.localdate() - timedelta(days=1)),
        "description": description, "estimated_amount": "5000.00"},
        content_type="application/json")


def test_a_report_through_the_api_runs_at_most_eleven_sql_statements(
        client, cyber_policy, holder_user):
    client.force_login(holder_user)
    assert _report(client, cyber_policy, "Ransomware on the file server").status_code == 201

    with CaptureQueriesContext(connection) as captured:
        response = _report(client, cyber_policy, "Ransomware on the file server, again")

    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.json()["id"])
    assert claim.possible_duplicate_of is not None  # the duplicate check ran
    assert Activity.objects.filter(claim=claim).exists()
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="claim.reported").exists()
    assert OutboxMessage.objects.filter(task_name="config.email_send",
                                        kwargs__recipients=[cyber_policy.policyholder.email]
                                        ).count() == 2
    statements = [query["sql"] for query in captured.captured_queries
                  if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= MAX_STATEMENTS, "\n".join(
        [f"{len(statements)} statements:", *(sql[:160] for sql in statements)]
    )
