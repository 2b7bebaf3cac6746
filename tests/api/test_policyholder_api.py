"""The policyholder's API: own rows only, reports through the service, answers, documents."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from claims.models import Claim
from config.models import AuditEntry
from tests.factories import PDF


def report_body(policy, **extra):
    return {"policy": policy.pk, "loss_type": "ransomware",
            "loss_date": str(timezone.localdate() - timedelta(days=1)),
            "description": "Encrypted file server", "estimated_amount": "5000.00", **extra}


def test_my_policies_show_only_mine_with_the_aggregate_per_insurance_year(seed):
    response = seed.client("holder_a", token=True).get("/api/me/policies/")
    assert response.status_code == 200
    assert [p["number"] for p in response.data["results"]] == [seed.policy_a.number]
    aggregate = response.data["results"][0]["aggregate"]
    assert aggregate and {"limit", "committed", "remaining", "insurance_year"} <= set(aggregate[0])


def test_my_claims_list_only_mine_and_another_holders_claim_is_404(seed):
    client = seed.client("holder_a")
    listed = client.get("/api/me/claims/").data["results"]
    assert [c["id"] for c in listed] == [seed.claim_a.pk]
    response = client.get(f"/api/me/claims/{seed.claim_b.pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_a_policyholder_reports_a_claim_with_an_audit_row(seed):
    response = seed.client("holder_a").post("/api/me/claims/", report_body(seed.policy_a),
                                            format="json")
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.data["id"])
    assert claim.state == "reported" and claim.reported_by == seed.users["holder_a"]
    assert AuditEntry.objects.filter(claim_id=claim.pk, action="claim.reported").exists()


def test_validation_errors_name_the_fields(seed):
    body = report_body(seed.policy_a, loss_date=str(timezone.localdate() + timedelta(days=3)))
    response = seed.client("holder_a").post("/api/me/claims/", body, format="json")
    assert response.status_code == 400
    assert "loss_date" in response.json()["error"]["fields"]


def test_withdraw_needs_a_reason_and_then_withdraws(seed):
    client = seed.client("holder_a")
    url = f"/api/me/claims/{seed.claim_a.pk}/withdraw/"
    assert client.post(url, {}, format="json").status_code == 400
    response = client.post(url, {"reason": "Found the backup."}, format="json")
    assert response.status_code == 200 and response.data["state"] == "withdrawn"
    again = client.post(url, {"reason": "Twice."}, format="json")
    assert again.status_code == 409


def test_answering_a_question_clears_it(seed):
    client = seed.client("holder_a")
    base = f"/api/me/claims/{seed.claim_a.pk}/questions/"
    assert [q["id"] for q in client.get(base).data["results"]] == [seed.question_a.pk]
    response = client.post(f"{base}{seed.question_a.pk}/answer/", {"answer": "Attached."},
                           format="json")
    assert response.status_code == 200 and response.data["status"] == "answered"
    assert client.post(f"{base}{seed.question_a.pk}/answer/", {"answer": "Again"},
                       format="json").status_code == 404


def test_upload_and_download_a_document_of_my_claim(seed):
    client = seed.client("holder_a")
    url = f"/api/me/claims/{seed.claim_a.pk}/documents/"
    response = client.post(url, {"file": SimpleUploadedFile("invoice.pdf", PDF)},
                           format="multipart")
    assert response.status_code == 201, response.content
    download = client.get(f"{url}{response.data['id']}/download/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert "attachment" in download["Content-Disposition"]


def test_another_holder_cannot_download_my_document(seed):
    url = f"/api/me/claims/{seed.claim_a.pk}/documents/{seed.document_a.pk}/download/"
    assert seed.client("holder_b").get(url).status_code == 404
    assert seed.client("vendor_x").get(url).status_code == 403
    assert seed.client("anonymous").get(url).status_code == 401
