"""Broken object-level authorization: foreign ids, foreign jobs, state and money fields. Each is
refused and nothing is written."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from claims.models import Claim, ClaimDocument
from claims.money.models import CostLine
from claims.vendors.models import VendorJob
from config.models import AuditEntry
from tests.factories import PDF


def _report(policy, **extra):
    return {"policy": policy.pk, "loss_type": "ransomware",
            "loss_date": str(timezone.localdate() - timedelta(days=1)),
            "description": "Encrypted file server", **extra}


def test_b_cannot_report_a_claim_on_as_policy(seed):
    claims, audits = Claim.objects.count(), AuditEntry.objects.count()
    response = seed.client("holder_b").post("/api/me/claims/", _report(seed.policy_a),
                                            format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["policy"] == ["Not one of your policies."]
    assert (Claim.objects.count(), AuditEntry.objects.count()) == (claims, audits)


def test_an_absent_policy_gets_the_same_answer_as_a_foreign_one(seed):
    response = seed.client("holder_b").post("/api/me/claims/",
                                            {**_report(seed.policy_a), "policy": 999999},
                                            format="json")
    assert response.json()["error"]["fields"]["policy"] == ["Not one of your policies."]


def test_a_policyholder_cannot_post_state_or_money_fields(seed):
    claims = Claim.objects.count()
    for extra in ({"state": "settled"}, {"approved_amount": "100000.00"},
                  {"coverage_covered": True}, {"assigned_adjuster": seed.users["adjuster"].pk}):
        response = seed.client("holder_a").post("/api/me/claims/",
                                                _report(seed.policy_a, **extra), format="json")
        assert response.status_code == 400, extra
        assert set(extra) <= set(response.json()["error"]["fields"])
    assert Claim.objects.count() == claims


def test_a_policyholder_cannot_reach_adjuster_money_endpoints(seed):
    client = seed.client("holder_a")
    response = client.post(f"/api/claims/{seed.claim_a.pk}/cost-lines/",
                           {"category": "forensics", "amount": "99999.00",
                            "payee_kind": "policyholder"}, format="json")
    assert response.status_code == 403
    assert not CostLine.objects.exists()
    transition = client.post(f"/api/claims/{seed.claim_a.pk}/transitions/start_settlement/",
                             {}, format="json")
    assert transition.status_code == 403
    seed.claim_a.refresh_from_db()
    assert seed.claim_a.state == "liability_check"


def test_a_vendor_cannot_invoice_a_job_not_theirs(seed):
    VendorJob.objects.filter(pk=seed.job_y.pk).update(state="completed",
                                                      approved_estimate=Decimal("4000.00"),
                                                      estimate=Decimal("4000.00"))
    documents, lines = ClaimDocument.objects.count(), CostLine.objects.count()
    response = seed.client("vendor_x").post(
        f"/api/vendor/jobs/{seed.job_y.pk}/invoice",
        {"amount": "3900.00", "file": SimpleUploadedFile("invoice.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 404
    seed.job_y.refresh_from_db()
    assert seed.job_y.invoice_amount is None
    assert (ClaimDocument.objects.count(), CostLine.objects.count()) == (documents, lines)


def test_b_cannot_withdraw_answer_or_upload_on_as_claim(seed):
    client = seed.client("holder_b")
    base = f"/api/me/claims/{seed.claim_a.pk}"
    documents = ClaimDocument.objects.count()
    assert client.post(f"{base}/withdraw/", {"reason": "x"}, format="json").status_code == 404
    assert client.post(f"{base}/questions/{seed.question_a.pk}/answer/", {"answer": "x"},
                       format="json").status_code == 404
    assert client.post(f"{base}/documents/", {"file": SimpleUploadedFile("a.pdf", PDF)},
                       format="multipart").status_code == 404
    seed.claim_a.refresh_from_db()
    seed.question_a.refresh_from_db()
    assert seed.claim_a.state == "liability_check" and seed.question_a.status == "open"
    assert ClaimDocument.objects.count() == documents


def test_lists_return_only_the_callers_rows(seed):
    assert [c["id"] for c in seed.client("holder_b").get("/api/me/claims/").data["results"]] \
        == [seed.claim_b.pk]
    assert [j["id"] for j in seed.client("vendor_y").get("/api/vendor/jobs").data["results"]] \
        == [seed.job_y.pk]
