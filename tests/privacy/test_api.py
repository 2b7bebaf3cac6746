"""The privacy API: a policyholder requests, lists and downloads their own exports and erasure
requests; an administrator does so for anyone; legal holds; errors in the one JSON shape."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from rest_framework.test import APIClient

from claims.models import ClaimDocument
from config.models import OutboxMessage
from privacy.models import DataExport, LegalHold
from privacy.services import data_export_build
from tests.factories import PolicyholderFactory, UserFactory

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def build_pending() -> None:
    """What the worker does with the outbox messages."""
    for message in OutboxMessage.objects.filter(task_name="privacy.data_export_build"):
        data_export_build(**message.kwargs)


def test_a_policyholder_requests_lists_and_downloads_their_own_export(closed_claim,
                                                                      holder_user):
    client = api(holder_user)

    created = client.post("/api/privacy/me/exports/")
    assert created.status_code == 202 and created.json()["status"] == "queued"
    assert created.json()["download_url"] is None
    build_pending()
    [row] = client.get("/api/privacy/me/exports/").json()["results"]
    assert row["status"] == "ready" and row["progress"] == 100 and row["expires_at"]
    assert row["download_url"] == f"/api/privacy/me/exports/{row['id']}/download/"

    response = client.get(row["download_url"])
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert json.loads(archive.read("data.json"))["claims"][0]["number"] == closed_claim.number


def test_a_policyholder_cannot_see_another_ones_export(closed_claim, holder_user,
                                                       privacy_admin):
    other_user = UserFactory(username="other")
    PolicyholderFactory(user=other_user)
    api(holder_user).post("/api/privacy/me/exports/")
    export = DataExport.objects.get()

    assert api(other_user).get(f"/api/privacy/me/exports/{export.pk}/").status_code == 404
    assert api(other_user).get(
        f"/api/privacy/me/exports/{export.pk}/download/").status_code == 404
    assert api(other_user).get("/api/privacy/exports/").status_code == 403
    not_ready = api(holder_user).get(f"/api/privacy/me/exports/{export.pk}/download/")
    assert not_ready.status_code == 409
    assert not_ready.json()["error"]["message"] == "The export is not ready yet."


def test_an_administrator_exports_any_person(claimant_claim, organisation, privacy_admin):
    client = api(privacy_admin)

    for body in ({"subject_kind": "claimant", "claimant_email": "legal@client.example"},
                 {"subject_kind": "vendor_contact", "vendor_organisation": organisation.pk},
                 {"subject_kind": "policyholder",
                  "policyholder": claimant_claim.policy.policyholder_id}):
        assert client.post("/api/privacy/exports/", body, format="json").status_code == 202
    build_pending()

    rows = client.get("/api/privacy/exports/").json()["results"]
    assert {row["subject_kind"] for row in rows} == {"claimant", "vendor_contact",
                                                     "policyholder"}
    assert {row["status"] for row in rows} == {"ready"}
    download = client.get(rows[0]["download_url"])
    assert download.status_code == 200
    missing = client.post("/api/privacy/exports/", {"subject_kind": "claimant"}, format="json")
    assert missing.status_code == 400
    assert "claimant_email" in missing.json()["error"]["fields"]


def test_erasure_requests_through_the_api(closed_claim, holder_user, privacy_admin):
    mine = api(holder_user).post("/api/privacy/me/erasure-requests/",
                                 {"note": "Please erase my data."}, format="json")
    assert mine.status_code == 201
    body = mine.json()
    assert body["status"] == "answered" and body["erased"] == []
    assert "Retention period until" in body["kept"][0]["why"]
    assert len(api(holder_user).get("/api/privacy/me/erasure-requests/").json()["results"]) == 1

    anyone = api(privacy_admin).post("/api/privacy/erasure-requests/", {
        "subject_kind": "claimant", "claimant_email": "nobody@example.com"}, format="json")
    assert anyone.status_code == 201
    assert anyone.json()["kept"][0]["why"] == "No claim names this address."
    assert api(holder_user).post("/api/privacy/erasure-requests/", {
        "subject_kind": "claimant", "claimant_email": "x@example.com"},
        format="json").status_code == 403


@pytest.mark.parametrize("note", [1.2178206708236488e+302, 7, True, ["erase"], {"a": 1}])
def test_an_erasure_request_with_a_note_that_is_not_text_is_refused_and_nothing_is_kept(
    closed_claim, holder_user, note
):
    """Found by Schemathesis: DRF took a number as the note's text (``"1.2178206708236488e+302"``)
    and answered 201."""
    from privacy.models import ErasureRequest

    answer = api(holder_user).post("/api/privacy/me/erasure-requests/", {"note": note},
                                   format="json")
    assert answer.status_code == 400
    assert "note" in answer.json()["error"]["fields"]
    assert not ErasureRequest.objects.exists()


def test_an_erasure_request_with_a_field_it_does_not_take_is_refused(closed_claim,
                                                                      holder_user):
    answer = api(holder_user).post("/api/privacy/me/erasure-requests/",
                                   {"note": "Erase.", "subject_kind": "claimant", "x": 1},
                                   format="json")
    assert answer.status_code == 400
    assert {"subject_kind", "x"} <= set(answer.json()["error"]["fields"])


def test_legal_holds_through_the_api(closed_claim, adjuster, holder_user):
    client = api(adjuster)

    placed = client.post("/api/privacy/legal-holds/", {"claim": closed_claim.pk,
                                                       "reason": "Lawsuit"}, format="json")
    assert placed.status_code == 201 and placed.json()["active"] is True
    again = client.post("/api/privacy/legal-holds/", {"claim": closed_claim.pk,
                                                      "reason": "again"}, format="json")
    assert again.status_code == 409
    for wrong, field in (({"reason": 42}, "reason"), ({"reason": "Lawsuit", "note": "x"}, "note")):
        refused = client.post("/api/privacy/legal-holds/", {"claim": closed_claim.pk, **wrong},
                              format="json")
        assert refused.status_code == 400
        assert field in refused.json()["error"]["fields"]
    retention = client.get(f"/api/privacy/claims/{closed_claim.pk}/retention/").json()
    assert retention["legal_hold"] == placed.json()["id"] and retention["due"] is False
    assert retention["rule"] == "closed_claim"

    hold_id = placed.json()["id"]
    no_reason = client.post(f"/api/privacy/legal-holds/{hold_id}/release/", {}, format="json")
    assert no_reason.status_code == 400
    released = client.post(f"/api/privacy/legal-holds/{hold_id}/release/",
                           {"reason": "Settled in court"}, format="json")
    assert released.status_code == 200 and released.json()["active"] is False
    assert client.post(f"/api/privacy/legal-holds/{hold_id}/release/",
                       {"reason": "twice"}, format="json").status_code == 409
    assert not LegalHold.objects.filter(released_at__isnull=True).exists()
    assert api(holder_user).get("/api/privacy/legal-holds/").status_code == 403


def test_a_deleted_document_is_not_offered_for_download(closed_claim, holder_user):
    document = ClaimDocument.objects.filter(claim=closed_claim, uploaded_by=holder_user).first()
    ClaimDocument.objects.filter(pk=document.pk).update(file="", original_name="[x]")

    response = api(holder_user).get(
        f"/api/me/claims/{closed_claim.pk}/documents/{document.pk}/download/")

    assert response.status_code == 404
