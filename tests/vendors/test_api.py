"""The vendor API: a vendor sees and changes only their organisation's jobs; another
organisation's job is 404 on every endpoint; errors come as one JSON shape."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from claims.models import ClaimNote
from claims.services import note_add
from claims.vendors import services
from claims.vendors.models import VendorJob
from tests.factories import PDF, make_job
from tests.otp import api_token

ENDPOINTS = [
    ("get", "", None),
    ("post", "/accept", {}),
    ("post", "/decline", {"reason": "No"}),
    ("post", "/quote", {"estimate": "100.00", "scope": "x"}),
    ("post", "/progress", {"percent": 10, "text": "x"}),
    ("post", "/report", "file"),
    ("post", "/complete", {}),
    ("post", "/invoice", "file+amount"),
]


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def _body(kind):
    from django.core.files.uploadedfile import SimpleUploadedFile

    if kind == "file":
        return {"file": SimpleUploadedFile("r.pdf", PDF)}, "multipart"
    if kind == "file+amount":
        return {"file": SimpleUploadedFile("i.pdf", PDF), "amount": "10.00"}, "multipart"
    return kind, "json"


@pytest.mark.parametrize("state", ["requested", "in_progress", "completed"])
@pytest.mark.parametrize(("method", "suffix", "body"), ENDPOINTS,
                         ids=[e[1] or "detail" for e in ENDPOINTS])
def test_a_vendor_gets_404_on_every_endpoint_for_another_organisations_job(
        method, suffix, body, state, claim, org_b, vendor_a):
    foreign = make_job(claim, org_b, state=state)
    client = client_for(vendor_a)
    if method == "get":
        response = client.get(f"/api/vendor/jobs/{foreign.pk}")
    else:
        data, fmt = _body(body)
        response = client.post(f"/api/vendor/jobs/{foreign.pk}{suffix}", data, format=fmt)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert VendorJob.objects.get(pk=foreign.pk).state == state


def test_the_list_holds_only_my_jobs_and_filters_by_state(claim, org_a, org_b, vendor_a):
    mine = make_job(claim, org_a)
    accepted = make_job(claim, org_a, state="accepted")
    make_job(claim, org_b)
    client = client_for(vendor_a)
    response = client.get("/api/vendor/jobs")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {mine.pk, accepted.pk}
    response = client.get("/api/vendor/jobs", {"state": "accepted"})
    assert [row["id"] for row in response.json()["results"]] == [accepted.pk]
    response = client.get("/api/vendor/jobs", {"state": "nonsense"})
    assert response.status_code == 400
    assert "state" in response.json()["error"]["fields"]


def test_the_detail_shows_only_the_claim_facts_the_vendor_needs(claim, org_a, org_b, vendor_a,
                                                               adjuster):
    note_add(claim=claim, text="Internal: suspect the insured", author=adjuster,
             visibility=ClaimNote.Visibility.INTERNAL)
    job = make_job(claim, org_a)
    make_job(claim, org_b, scope="The other vendor's secret scope")
    response = client_for(vendor_a).get(f"/api/vendor/jobs/{job.pk}")
    assert response.status_code == 200
    data = response.json()
    assert set(data["claim"]) == {"number", "loss_type", "loss_date", "emergency",
                                  "description", "policyholder"}
    assert set(data["claim"]["policyholder"]) == {"company_name", "contact_name", "phone",
                                                  "email", "street", "postcode", "city"}
    text = json.dumps(data).lower()
    for secret in ("premium", "sum_insured", "deductible", "suspect the insured",
                   "other vendor", '"policy"', claim.policy.number.lower()):
        assert secret not in text
    assert data["actions"] == ["accept", "decline"]


def test_who_may_use_the_api(claim, org_a, holder_user, adjuster):
    job = make_job(claim, org_a)
    assert APIClient().get("/api/vendor/jobs").status_code == 401
    for user in (holder_user, adjuster):
        response = client_for(user).get(f"/api/vendor/jobs/{job.pk}")
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


def test_errors_come_as_json_with_status_and_fields(claim, org_a, vendor_a):
    job = make_job(claim, org_a)
    client = client_for(vendor_a)
    response = client.post(f"/api/vendor/jobs/{job.pk}/quote", {"scope": ""}, format="json")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"estimate", "scope"}
    response = client.post(f"/api/vendor/jobs/{job.pk}/quote",
                           {"estimate": "100.00", "scope": "x"}, format="json")
    assert response.status_code == 409
    assert "requested" in response.json()["error"]["message"]
    response = client.post(f"/api/vendor/jobs/{job.pk}/decline", {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]


def test_a_vendor_works_a_job_through_the_api(claim, org_b, vendor_b, adjuster, holder_user,
                                              mailoutbox, django_capture_on_commit_callbacks):
    job = make_job(claim, org_b)
    client = client_for(vendor_b)
    url = f"/api/vendor/jobs/{job.pk}"
    assert client.post(f"{url}/accept").json()["state"] == "accepted"
    response = client.post(f"{url}/quote", {"estimate": "4800.00", "scope": "Recover RAID"},
                           format="json")
    assert response.json()["state"] == "quoted"
    assert response.json()["estimate"] == "4800.00"
    response = client.post(f"{url}/progress", {"percent": 10, "text": "Start"}, format="json")
    assert response.status_code == 409  # not on the panel: waits for the adjuster's approval
    services.vendor_job_approve_quote(job=VendorJob.objects.get(pk=job.pk), by=adjuster)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}/progress", {"percent": 40, "text": "Disks imaged",
                                                    "visible_to_policyholder": True},
                               format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "in_progress"
    assert [u["percent"] for u in response.json()["progress_updates"]] == [40]
    recipients = {address for mail in mailoutbox for address in mail.to}
    assert claim.policy.policyholder.email in recipients  # a visible update
    assert adjuster.email in recipients
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(f"{url}/report", {"file": SimpleUploadedFile("r.pdf", PDF)},
                           format="multipart")
    assert response.status_code == 201 and response.json()["report_document"] == "r.pdf"
    assert client.post(f"{url}/complete").json()["state"] == "completed"
    response = client.post(f"{url}/invoice", {"file": SimpleUploadedFile("i.pdf", PDF),
                                              "amount": "5000.00"}, format="multipart")
    assert response.status_code == 200
    assert response.json()["state"] == "invoiced"
    job.refresh_from_db()
    assert job.invoice_amount == Decimal("5000.00")
    assert job.invoice_document.doc_type == "invoice"
    assert job.invoice_document.claim_id == claim.pk


def test_a_refused_upload_is_a_400_naming_the_file(claim, org_a, vendor_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = make_job(claim, org_a, state="in_progress")
    response = client_for(vendor_a).post(
        f"/api/vendor/jobs/{job.pk}/report",
        {"file": SimpleUploadedFile("report.pdf", b"<html><script>x</script></html>")},
        format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
