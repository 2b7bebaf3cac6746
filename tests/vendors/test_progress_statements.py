"""The SQL one progress update through the vendor API runs (issue 17): the session, the login
with its groups and membership, the job (with what the answer and the emails need), the update,
the adjuster's email in their language (stored in the same transaction), the job, the audit row
and the job's updates for the answer."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.models import AuditEntry, OutboxMessage
from tests.factories import make_job

pytestmark = pytest.mark.django_db

MAX_STATEMENTS = 9  # BEGIN/COMMIT and savepoints are not counted


def test_a_progress_update_runs_at_most_nine_sql_statements_and_stores_its_email(
        client, claim, org_a, vendor_a, adjuster):
    claim.assigned_adjuster = adjuster
    claim.save(update_fields=["assigned_adjuster"])
    job = make_job(claim, org_a, state="in_progress")
    client.force_login(vendor_a)
    url = f"/api/vendor/jobs/{job.pk}/progress"
    assert client.post(url, {"percent": 10, "text": "Imaging"},
                       content_type="application/json").status_code == 201

    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, {"percent": 40, "text": "Disks imaged"},
                               content_type="application/json")

    assert response.status_code == 201, response.content
    assert [u["percent"] for u in response.json()["progress_updates"]] == [10, 40]
    assert response.json()["progress_percent"] == 40
    assert AuditEntry.objects.filter(action="vendor_job.progress", object_id=str(job.pk)
                                     ).count() == 2
    assert OutboxMessage.objects.filter(task_name="config.email_send",
                                        kwargs__recipients=[adjuster.email]).count() == 2
    statements = [query["sql"] for query in captured.captured_queries
                  if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= MAX_STATEMENTS, "\n".join(
        [f"{len(statements)} statements:", *(sql[:160] for sql in statements)]
    )
