"""Claim financials through the doors: the adjusters' API and the admin (claim page, policy
page and action, recoveries, void, the exports page)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import ClaimState
from claims.money.models import Payment, Recovery
from claims.money.services import reserve_set
from tests.claims.desk_tabs import claim_page
from tests.money.test_financials import settle_and_pay
from tests.money.test_services import add

D = Decimal
pytestmark = pytest.mark.django_db


@pytest.fixture
def api(adjuster):
    client = APIClient()
    client.force_login(adjuster)
    return client


@pytest.fixture
def paid_claim(claim, adjuster):
    reserve_set(claim=claim, kind="loss", level=D("9000"), reason="Estimate", by=adjuster)
    add(claim, "restoration", "4000.00", adjuster)
    settle_and_pay(claim, adjuster)
    return claim


def test_api_financials_of_the_claim_and_the_policy(api, paid_claim):
    body = api.get(f"/api/claims/{paid_claim.pk}/financials/").json()
    assert body["total"]["paid"] == "3000.00"
    assert body["total"]["outstanding_reserve"] == "6000.00"
    assert body["total"]["incurred"] == "9000.00"
    policy = api.get(f"/api/policies/{paid_claim.policy_id}/financials/").json()
    assert policy["total"]["incurred"] == "9000.00"
    assert policy["years"][0]["insurance_year"] == paid_claim.coverage_insurance_year


def test_api_recovery_lifecycle_and_errors(api, paid_claim):
    url = f"/api/claims/{paid_claim.pk}/recoveries/"
    created = api.post(url, {"kind": "subrogation", "counterparty": "SoftVendor AG",
                             "expected": "2000.00"}, format="json")
    assert created.status_code == 201, created.content
    rid = created.json()["id"]
    received = api.post(f"{url}{rid}/record/", {"how": "received", "amount": "500.00"},
                        format="json")
    assert received.status_code == 200, received.content
    assert (received.json()["received"], received.json()["open"]) == ("500.00", "1500.00")
    too_much = api.post(f"{url}{rid}/record/", {"how": "received", "amount": "5000.00"},
                        format="json")
    assert too_much.status_code == 400
    assert "amount" in too_much.json()["error"]["fields"]
    bad = api.post(url, {"kind": "lottery", "counterparty": "X", "expected": "1"},
                   format="json")
    assert bad.status_code == 400
    assert api.get(url).json()[0]["expected"] == "2000.00"
    fig = api.get(f"/api/claims/{paid_claim.pk}/financials/").json()["total"]
    assert (fig["recovered"], fig["incurred"]) == ("500.00", "8500.00")


def test_api_void_and_reissue_then_cancel(api, paid_claim):
    payment = Payment.objects.get(claim=paid_claim)
    url = f"/api/claims/{paid_claim.pk}/payments/{payment.pk}/void/"
    assert api.post(url, {"reason": ""}, format="json").status_code == 400
    response = api.post(url, {"reason": "Wrong payee", "reissue_to": "Pixel & Code GmbH"},
                        format="json")
    assert response.status_code == 200, response.content
    new = response.json()
    assert (new["status"], new["replaces"]) == ("pending", payment.pk)
    paid_claim.refresh_from_db()
    assert paid_claim.state == ClaimState.SETTLED
    again = api.post(url, {"reason": "again"}, format="json")
    assert again.status_code == 409
    cancel = api.post(f"/api/claims/{paid_claim.pk}/payments/{new['id']}/void/",
                      {"reason": "Holder asks for another account"}, format="json")
    assert cancel.status_code == 200
    assert cancel.json()["status"] == "cancelled"
    paid_claim.refresh_from_db()
    assert paid_claim.state == ClaimState.SETTLEMENT


def test_api_void_above_the_limit_is_forbidden(api, paid_claim, adjuster):
    from tests.factories import set_limit

    set_limit(adjuster, "100.00")
    payment = Payment.objects.get(claim=paid_claim)
    response = api.post(f"/api/claims/{paid_claim.pk}/payments/{payment.pk}/void/",
                        {"reason": "Bank return"}, format="json")
    assert response.status_code == 403
    assert "approval limit" in response.json()["error"]["message"]


def test_api_exports(api, paid_claim, holder):
    month = timezone.localdate().strftime("%Y-%m")
    csv = api.get(f"/api/exports/bordereau/?month={month}")
    assert csv.status_code == 200
    text = b"".join(csv.streaming_content).decode()
    assert text.splitlines()[0].startswith("Policy number,Insured")
    assert paid_claim.number in text
    xlsx = api.get(f"/api/exports/bordereau/?month={month}&file_format=xlsx")
    assert b"".join(xlsx.streaming_content)[:2] == b"PK"
    pdf = api.get(f"/api/exports/loss-run/?policyholder={holder.pk}&file_format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert api.get("/api/exports/bordereau/?month=13-2026").status_code == 400
    assert api.get("/api/exports/loss-run/").status_code == 400
    assert api.get("/api/exports/loss-run/?policy=99999").status_code == 400


def test_api_exports_are_for_adjusters_only(paid_claim, holder_user):
    client = APIClient()
    client.force_login(holder_user)
    assert client.get("/api/exports/bordereau/?month=2026-01").status_code == 403
    assert client.get(f"/api/claims/{paid_claim.pk}/financials/").status_code == 403


def test_admin_claim_page_recovery_and_void(client, paid_claim, adjuster):
    client.force_login(adjuster)
    text = claim_page(client, reverse("admin:claims_claim_change", args=[paid_claim.pk]))
    assert "incurred = paid + outstanding reserve - recovered" in text
    assert "9,000.00" in text
    response = client.post(reverse("admin:money_recovery_add_for", args=[paid_claim.pk]), {
        "kind": "salvage", "counterparty": "Hardware buyer", "expected": "300.00",
        "description": ""})
    assert response.status_code == 302
    recovery = Recovery.objects.get(claim=paid_claim)
    response = client.post(reverse("admin:money_recovery_record",
                                   args=[paid_claim.pk, recovery.pk]),
                           {"how": "received", "amount": "", "reason": ""})
    assert response.status_code == 302
    payment = Payment.objects.get(claim=paid_claim)
    form = client.post(reverse("admin:money_payment_void", args=[paid_claim.pk, payment.pk]),
                       {"reason": "", "reissue_to": ""})
    assert form.status_code == 200  # the form again, with its error
    response = client.post(reverse("admin:money_payment_void",
                                   args=[paid_claim.pk, payment.pk]),
                           {"reason": "Bank return", "reissue_to": "Pixel & Code GmbH",
                            "reissue_payee_kind": ""})
    assert response.status_code == 302
    assert Payment.objects.get(pk=payment.pk).status == "voided"
    page = claim_page(client, reverse("admin:claims_claim_change", args=[paid_claim.pk]))
    assert "Cancelled and voided payments" in page


def test_admin_exports_page_policy_page_and_action(client, paid_claim, adjuster, chief):
    client.force_login(chief)
    url = reverse("admin:money_exports")
    page = client.get(url)
    assert page.status_code == 200
    assert "Incurred per product" in page.content.decode()
    bad = client.get(url, {"report": "bordereau", "month": "nope", "format": "csv"})
    assert bad.status_code == 200 and "YYYY-MM" in bad.content.decode()
    month = timezone.localdate().strftime("%Y-%m")
    response = client.get(url, {"report": "bordereau", "month": month, "format": "xlsx"})
    assert b"".join(response.streaming_content)[:2] == b"PK"
    policy_page = client.get(reverse("admin:policies_policy_change",
                                     args=[paid_claim.policy_id]))
    assert "Claims incurred per insurance year" in policy_page.content.decode()
    action = client.post(reverse("admin:policies_policy_changelist"), {
        "action": "loss_run_csv", "_selected_action": [paid_claim.policy_id]})
    assert action.status_code == 200
    assert paid_claim.number in b"".join(action.streaming_content).decode()
    assert client.get(reverse("admin:money_recovery_changelist")).status_code == 200


def test_the_portal_policy_page_shows_paid_and_recovered_but_no_reserves(
        client, paid_claim, adjuster, holder_user):
    from claims.money.services.recoveries import recovery_create, recovery_record

    recovery = recovery_create(claim=paid_claim, kind="subrogation", counterparty="Vendor AG",
                               expected=D("1000.00"), by=adjuster)
    recovery_record(recovery=recovery, how="received", amount=D("250.00"), by=adjuster)
    client.force_login(holder_user)

    page = client.get(reverse("portal:policy", args=[paid_claim.policy_id]))

    text = page.content.decode()
    assert "paid 3,000.00 EUR" in text
    assert "recovered from others 250.00 EUR" in text
    assert "6,000.00" not in text  # the outstanding reserve stays internal
