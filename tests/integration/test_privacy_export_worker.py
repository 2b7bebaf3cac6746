"""A data export through the outbox, Redis and a real Celery worker: the policyholder asks in the
API, the worker builds the ZIP with the documents, the policyholder downloads it."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from claims.models import ClaimDocument
from claims.services import claim_report, document_add
from coverage.models import LossType
from privacy.models import DataExport
from tests.factories import PDF, PolicyholderFactory, UserFactory, make_adjuster, make_policy
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration,
              pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def shared_media(settings, monkeypatch):
    """The worker process stores and reads files where this test does."""
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


def test_the_worker_builds_the_export_the_policyholder_asked_for(shared_media, celery_worker):
    adjuster = make_adjuster("adj")
    user = UserFactory(username="holder")
    policy = make_policy(holder=PolicyholderFactory(user=user), product="cyber",
                         created_by=adjuster)
    claim = claim_report(policy=policy, loss_type=LossType.objects.get(code="ransomware"),
                         loss_date=policy.start_date, description="Encrypted laptop",
                         reported_by=user)
    document_add(claim=claim, upload=SimpleUploadedFile("evidence.pdf", PDF),
                 doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=user)
    client = APIClient()
    client.force_authenticate(user)

    export_id = client.post("/api/privacy/me/exports/").json()["id"]

    wait_for(lambda: DataExport.objects.get(pk=export_id).status == DataExport.Status.READY,
             timeout=60)
    row = client.get(f"/api/privacy/me/exports/{export_id}/").json()
    response = client.get(row["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("data.json"))
    [document] = data["claims"][0]["documents"]
    assert archive.read(document["file_in_export"]) == PDF
    assert row["progress"] == 100
