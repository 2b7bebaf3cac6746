"""Money v2 worked through the API alone, as an integration would: the policyholder reports, the
adjuster commissions and decides, the vendor works the job, the payment task pays.

The deductible is the insured's (vendors and claimants are paid in full), one loss event takes one
deductible across sections, defence is at the insurer's cost, and authority is data."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from rest_framework.test import APIClient

from claims.money.models import LedgerEntry, Payment
from claims.money.services import payment_execute
from tests.factories import (
    PDF,
    make_claims_manager,
    make_org,
    make_policy,
    make_vendor_user,
)

D = Decimal


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def ok(response, status: int = 200):
    assert response.status_code == status, response.content
    return response.json()


def pay_pending() -> None:
    """The payment task (Celery in production) pays every pending payment."""
    for payment_id in Payment.objects.filter(status="pending").values_list("pk", flat=True):
        payment_execute(payment_id=payment_id)


def ledger_ok() -> str:
    from io import StringIO

    out = StringIO()
    call_command("check_ledger", stdout=out)
    return out.getvalue()


@pytest.fixture
def itl_policy(holder, team_lead):
    return make_policy(holder=holder, product="it_liability", created_by=team_lead,
                       sections={"itl_base": "250000"})


def report(holder_user, policy, loss_type: str, **extra) -> dict:
    body = {"policy": policy.pk, "loss_type": loss_type, "description": f"{loss_type} case",
            "loss_date": str(timezone.localdate() - timedelta(days=3)), **extra}
    if "claimant_name" in extra:
        body["claimant_address"] = "Hauptstr. 1, 86150 Augsburg"
    return ok(client_for(holder_user).post("/api/me/claims/", body, format="json"), 201)


def transition(client, claim_id: int, name: str, **body) -> dict:
    return ok(client.post(f"/api/claims/{claim_id}/transitions/{name}/", body, format="json"))


def settle(client, claim_id: int, section: int | None = None) -> dict:
    body = {"section": section} if section else {}
    proposed = ok(client.post(f"/api/claims/{claim_id}/settlements/", body, format="json"), 201)
    return ok(client.post(f"/api/claims/{claim_id}/settlements/{proposed['id']}/approve/",
                          {}, format="json"))


def test_raid_recovery_pays_the_data_recovery_firm_5000_and_the_insured_owes_the_deductible(
        itl_policy, holder_user, adjuster):
    org = make_org("Rescue Data GmbH", "data_recovery")
    vendor = client_for(make_vendor_user("rescue", org))
    client = client_for(adjuster)
    claim = report(holder_user, itl_policy, "client_data_loss", claimant_name="Client AG",
                   description="RAID migration from 3 to 4 disks failed")
    transition(client, claim["id"], "start_liability_check")
    orgs = ok(client.get("/api/vendor-organisations/"))
    org_id = next(o["id"] for o in orgs["results"] if "data_recovery" in o["services"])
    job = ok(client.post(f"/api/claims/{claim['id']}/vendor-jobs/",
                         {"organisation": org_id, "service": "data_recovery",
                          "scope": "Recover the RAID"}, format="json"), 201)
    transition(client, claim["id"], "start_mitigation")
    url = f"/api/vendor/jobs/{job['id']}"
    ok(vendor.post(f"{url}/accept"))
    ok(vendor.post(f"{url}/quote", {"estimate": "5000.00", "scope": "RAID 5"}, format="json"))
    ok(client.post(f"/api/vendor-jobs/{job['id']}/approve-quote/", {}, format="json"))
    ok(vendor.post(f"{url}/progress", {"percent": 50, "text": "Imaged"}, format="json"), 201)
    ok(vendor.post(f"{url}/report", {"file": SimpleUploadedFile("r.pdf", PDF)},
                   format="multipart"), 201)
    ok(vendor.post(f"{url}/complete"))
    ok(vendor.post(f"{url}/invoice", {"file": SimpleUploadedFile("i.pdf", PDF),
                                      "amount": "5000.00"}, format="multipart"))
    accepted = ok(client.post(f"/api/vendor-jobs/{job['id']}/accept-invoice/", {},
                              format="json"))
    assert accepted["state"] == "accepted_for_payment"
    transition(client, claim["id"], "start_settlement")

    settlement = settle(client, claim["id"])
    pay_pending()

    assert settlement["state"] == "approved"
    assert settlement["approved_amount"] == "4000.00"  # the insurer's indemnity
    body = ok(client.get(f"/api/claims/{claim['id']}/payments/"))
    assert [(p["payee_kind"], p["payee_name"], p["vendor"], p["amount"], p["status"])
            for p in body["payments"]] == [
        ("vendor", "Rescue Data GmbH", org_id, "5000.00", "paid")]
    assert body["payments"][0]["paid_at"]
    assert body["insured_share"]["still_owed"] == "1000.00"
    per_settlement = ok(client.get(
        f"/api/claims/{claim['id']}/settlements/{settlement['id']}/payments/"))
    assert per_settlement["insured_share"]["owed"] == "1000.00"
    assert ok(client.get(f"/api/claims/{claim['id']}/"))["state"] == "paid"
    assert ledger_ok().startswith("Ledger OK")


def test_the_lost_key_pays_the_claimant_1400_and_records_1000_owed_by_the_insured(
        itl_policy, holder_user, adjuster):
    client = client_for(adjuster)
    claim = report(holder_user, itl_policy, "property_damage", claimant_name="Client AG",
                   description="Lost the client's key: new locking system")
    transition(client, claim["id"], "start_liability_check")
    transition(client, claim["id"], "start_settlement")
    ok(client.post(f"/api/claims/{claim['id']}/cost-lines/",
                   {"category": "damages", "amount": "1400.00", "payee_kind": "claimant"},
                   format="json"), 201)

    settle(client, claim["id"])
    pay_pending()

    body = ok(client.get(f"/api/claims/{claim['id']}/payments/"))
    assert [(p["payee_kind"], p["payee_name"], p["amount"]) for p in body["payments"]] == [
        ("claimant", "Client AG", "1400.00")]
    assert body["insured_share"] == {"deducted": "0.00", "owed": "1000.00", "received": "0.00",
                                     "written_off": "0.00", "still_owed": "1000.00"}
    owed = LedgerEntry.objects.get(claim_id=claim["id"], kind="deductible_owed")
    assert owed.amount == D("1000.00")

    # The adjuster records the insured's transfer: nothing is owed any more.
    share = ok(client.post(f"/api/claims/{claim['id']}/deductible-owed/",
                           {"how": "received", "reason": "Transfer of 12.03."}, format="json"))
    assert (share["received"], share["still_owed"]) == ("1000.00", "0.00")
    again = client.post(f"/api/claims/{claim['id']}/deductible-owed/",
                        {"how": "written_off", "reason": "twice"}, format="json")
    assert again.status_code == 409
    assert ledger_ok().startswith("Ledger OK")


def test_a_two_section_claim_is_settled_section_by_section_with_one_deductible(
        holder, holder_user, team_lead, adjuster):
    policy = make_policy(holder=holder, product="cyber", created_by=team_lead,
                         sections={"cyber_own_damage": "100000", "cyber_bi": "100000"})
    own, bi = (policy.sections.get(module__code=code).pk
               for code in ("cyber_own_damage", "cyber_bi"))
    client = client_for(adjuster)
    claim = report(holder_user, policy, "ransomware")
    transition(client, claim["id"], "start_liability_check")
    transition(client, claim["id"], "start_settlement")
    base = f"/api/claims/{claim['id']}"
    ok(client.post(f"{base}/cost-lines/", {"category": "restoration", "amount": "5000.00",
                                           "payee_kind": "policyholder"}, format="json"), 201)
    ok(client.post(f"{base}/cost-lines/", {"category": "interruption_loss", "amount": "9000.00",
                                           "payee_kind": "policyholder", "section": bi},
                   format="json"), 201)
    warning = ok(client.get(f"{base}/settlement-preview/", {"section": bi}))
    assert warning["warnings"] and "first 8 hours" in warning["warnings"][0]
    ok(client.post(f"{base}/interruption-assessments/",
                   {"section": bi, "first_8_hours_loss": "3200.00",
                    "reason": "8 hours of 400.00 revenue"}, format="json"), 201)

    first = settle(client, claim["id"], own)
    assert (first["state"], first["approved_amount"]) == ("approved", "4000.00")
    assert ok(client.get(f"{base}/"))["state"] == "settlement"  # BI still to decide
    preview = ok(client.get(f"{base}/settlement-preview/", {"section": bi}))
    assert preview["deductible"] == "2200.00"  # 3,200 once for the loss event, 1,000 borne
    assert preview["warnings"] == []
    second = settle(client, claim["id"], bi)
    assert (second["state"], second["approved_amount"]) == ("approved", "6800.00")
    assert ok(client.get(f"{base}/"))["state"] == "settled"
    pay_pending()

    body = ok(client.get(f"{base}/payments/"))
    assert sorted(p["amount"] for p in body["payments"]) == ["4000.00", "6800.00"]
    assert body["insured_share"]["deducted"] == "3200.00"
    assert body["insured_share"]["still_owed"] == "0.00"
    assert ok(client.get(f"{base}/"))["state"] == "paid"
    assert ledger_ok().startswith("Ledger OK")


def test_defence_costs_of_4300_are_paid_from_the_defence_and_the_claim_closes(
        itl_policy, holder_user, adjuster):
    lawyers = make_org("Kanzlei Recht & Partner", "lawyers")
    client = client_for(adjuster)
    claim = report(holder_user, itl_policy, "pure_financial_loss", claimant_name="Client AG",
                   description="Client claims a lost day of 15 staff")
    transition(client, claim["id"], "start_liability_check")
    transition(client, claim["id"], "defend", reason="Unjustified: the update was agreed")
    base = f"/api/claims/{claim['id']}"
    ok(client.post(f"{base}/cost-lines/", {"category": "defence_costs", "amount": "4300.00",
                                           "payee_kind": "vendor", "vendor": lawyers.pk},
                   format="json"), 201)

    settlement = settle(client, claim["id"])
    pay_pending()

    assert settlement["approved_amount"] == "4300.00"
    assert settlement["deductible_taken"] == "0.00"  # at the insurer's own cost
    body = ok(client.get(f"{base}/payments/"))
    assert [(p["payee_name"], p["amount"], p["status"]) for p in body["payments"]] == [
        ("Kanzlei Recht & Partner", "4300.00", "paid")]
    assert body["insured_share"]["still_owed"] == "0.00"
    assert ok(client.get(f"{base}/"))["state"] == "defending"
    assert transition(client, claim["id"], "close")["state"] == "closed"
    assert ledger_ok().startswith("Ledger OK")


def test_a_damages_line_is_not_settled_while_defending(itl_policy, holder_user, adjuster):
    client = client_for(adjuster)
    claim = report(holder_user, itl_policy, "pure_financial_loss", claimant_name="Client AG")
    transition(client, claim["id"], "start_liability_check")
    transition(client, claim["id"], "defend", reason="Unjustified")
    ok(client.post(f"/api/claims/{claim['id']}/cost-lines/",
                   {"category": "damages", "amount": "900.00", "payee_kind": "claimant"},
                   format="json"), 201)
    response = client.post(f"/api/claims/{claim['id']}/settlements/", {}, format="json")
    assert response.status_code == 409
    assert "insurer's cost" in response.json()["error"]["message"]


def test_a_599000_settlement_waits_for_and_is_approved_by_the_claims_manager(
        holder, holder_user, team_lead, adjuster):
    manager = make_claims_manager("manager")
    policy = make_policy(holder=holder, product="cyber", created_by=team_lead,
                         sections={"cyber_own_damage": "1000000", "cyber_bi": "1000000"})
    bi = policy.sections.get(module__code="cyber_bi").pk
    client = client_for(adjuster)
    claim = report(holder_user, policy, "ransomware")
    transition(client, claim["id"], "start_liability_check")
    transition(client, claim["id"], "start_settlement")
    base = f"/api/claims/{claim['id']}"
    ok(client.post(f"{base}/cost-lines/", {"category": "interruption_loss",
                                           "amount": "600000.00", "payee_kind": "policyholder",
                                           "section": bi}, format="json"), 201)
    ok(client.post(f"{base}/interruption-assessments/",
                   {"section": bi, "first_8_hours_loss": "800.00"}, format="json"), 201)

    pending = settle(client, claim["id"], bi)
    assert pending["state"] == "pending_team_lead"
    approve = f"{base}/settlements/{pending['id']}/approve/"
    refused = client_for(team_lead).post(approve, {}, format="json")
    assert refused.status_code == 403
    assert "claims manager" in refused.json()["error"]["message"]
    approved = ok(client_for(manager).post(approve, {}, format="json"))

    assert (approved["state"], approved["approved_amount"]) == ("approved", "599000.00")
    assert approved["decided_by"] == manager.pk
    levels = ok(client.get("/api/authority-levels/"))
    assert [(row["name"], row["approval_limit"]) for row in levels["results"]] == [
        ("Adjuster", "10000.00"), ("Team lead", "100000.00"),
        ("Claims manager", "1000000.00"), ("Head of claims", None)]
