"""Documents in S3-compatible object storage (issue 17, scale-out): with a bucket configured the
files go to the bucket, never to the web server's disk, and still reach a user only through the
app's authorised downloads. The S3 server is moto's, started here on loopback."""

from __future__ import annotations

import uuid

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer

from claims.models import ClaimDocument
from claims.services import document_add
from tests.factories import PolicyholderFactory, UserFactory

pytestmark = pytest.mark.django_db

PORT = 8611  # this project's benchmark and test range: 8600-8699
ENDPOINT = f"http://127.0.0.1:{PORT}"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
CREDENTIALS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret",
               "region_name": "eu-central-1"}


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=PORT, verbose=False)
    server.start()
    yield ENDPOINT
    server.stop()


@pytest.fixture
def bucket(s3_server, settings, tmp_path):
    name = f"claims-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_server, **CREDENTIALS)
    client.create_bucket(Bucket=name,
                         CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {"bucket_name": name, "endpoint_url": s3_server, "access_key": "test-key",
                    "secret_key": "test-secret", "region_name": "eu-central-1",
                    "location": "documents", "default_acl": "private", "file_overwrite": False,
                    "querystring_auth": True, "querystring_expire": 60,
                    "addressing_style": "path"},
    }}
    settings.MEDIA_ROOT = tmp_path / "media"
    return client, name


def test_an_uploaded_document_goes_to_the_bucket_and_not_to_local_disk(
        client, bucket, reported_claim, holder_user, settings):
    s3, name = bucket
    client.force_login(holder_user)
    response = client.post(f"/api/me/claims/{reported_claim.pk}/documents/",
                           {"file": SimpleUploadedFile("logs.pdf", PDF), "doc_type": "evidence"})
    assert response.status_code == 201, response.content
    document = ClaimDocument.objects.get(claim=reported_claim)
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=name).get("Contents", [])]
    assert keys == [f"documents/{document.file.name}"]
    assert s3.get_object(Bucket=name, Key=keys[0])["Body"].read() == PDF
    assert not (settings.MEDIA_ROOT).exists() or not any(settings.MEDIA_ROOT.rglob("*.pdf"))


def test_documents_in_the_bucket_are_downloaded_only_through_the_app_by_whom_may_see_them(
        client, bucket, reported_claim, holder_user, adjuster):
    s3, name = bucket
    document = document_add(claim=reported_claim, upload=SimpleUploadedFile("logs.pdf", PDF),
                            doc_type="evidence", uploaded_by=holder_user)
    own = f"/api/me/claims/{reported_claim.pk}/documents/{document.pk}/download/"

    client.force_login(holder_user)
    response = client.get(own)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    client.force_login(adjuster)
    response = client.get(f"/admin/claims/claim/{reported_claim.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    other = UserFactory(username="other-holder")
    PolicyholderFactory(user=other, company_name="Someone Else GmbH")
    client.force_login(other)
    assert client.get(own).status_code == 404

    # The object itself is private: its only grant is the owner's.
    grants = s3.get_object_acl(Bucket=name, Key=f"documents/{document.file.name}")["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
