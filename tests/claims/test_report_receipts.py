"""Received reports (``Prefer: respond-async``) at the service level and in the admin: the report
service's checks before anything is stored, every field of ``claim_report`` carried to the claim,
and the adjusters' read-only list of what is waiting and what failed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import ReportReceipt
from claims.services import report_receipt_register, report_receive
from tests.factories import loss_type

pytestmark = pytest.mark.django_db


def _third_party(policy, by, **extra):
    data = {"policy": policy, "loss_type": loss_type("pure_financial_loss"),
            "loss_date": timezone.localdate() - timedelta(days=3),
            "description": "Our update stopped the client's shop for a day.",
            "reported_by": by, "claimant_name": "Client AG",
            "claimant_email": "legal@client.example", "claimant_address": "Hauptstr. 1",
            "emergency": True, "estimated_amount": "7500.5"}
    data.update(extra)
    return report_receive(**data)


def test_every_field_of_the_report_reaches_the_claim(itl_policy, holder_user):
    receipt = _third_party(itl_policy, holder_user)
    claim = report_receipt_register(receipt_id=receipt.pk)
    assert (claim.claimant_name, claim.claimant_email, claim.claimant_address, claim.emergency,
            str(claim.estimated_amount), claim.loss_type.code) == (
        "Client AG", "legal@client.example", "Hauptstr. 1", True, "7500.50",
        "pure_financial_loss")


def test_the_claimant_rules_are_checked_before_anything_is_stored(itl_policy, holder_user):
    with pytest.raises(ClaimValidationError) as refused:
        _third_party(itl_policy, holder_user, claimant_name=" ", claimant_email="",
                     claimant_address="")
    assert {"claimant_name", "claimant_address"} <= set(refused.value.errors)
    assert not ReportReceipt.objects.exists()


def test_only_the_policyholder_may_send_a_report(itl_policy, stranger):
    with pytest.raises(PermissionDeniedError):
        _third_party(itl_policy, stranger)
    assert not ReportReceipt.objects.exists()


def test_the_api_names_a_missing_claimant_field(itl_policy, holder_user):
    client = APIClient()
    client.force_authenticate(holder_user)
    response = client.post("/api/me/claims/", {
        "policy": itl_policy.pk, "loss_type": "pure_financial_loss",
        "loss_date": str(timezone.localdate() - timedelta(days=1)),
        "description": "A client claims damages."}, format="json", HTTP_PREFER="respond-async")
    assert response.status_code == 400
    assert "claimant_name" in response.json()["error"]["fields"]


def test_adjusters_see_received_reports_read_only_filtered_and_searched(
        client, adjuster, itl_policy, cyber_policy, holder_user):
    registered = _third_party(itl_policy, holder_user)
    claim = report_receipt_register(receipt_id=registered.pk)
    waiting = report_receive(policy=cyber_policy, loss_type=loss_type("ransomware"),
                             loss_date=timezone.localdate(), description="Encrypted.",
                             reported_by=holder_user)
    ReportReceipt.objects.filter(pk=waiting.pk).update(status="failed",
                                                       error="Refused for a reason.")
    client.force_login(adjuster)
    url = "/admin/claims/reportreceipt/"
    page = client.get(url)
    assert page.status_code == 200
    listed = page.content.decode()
    assert claim.number in listed and "Refused for a reason." in listed
    failed = client.get(url, {"status__exact": "failed"}).content.decode()
    assert "Refused for a reason." in failed and claim.number not in failed
    found = client.get(url, {"q": itl_policy.number}).content.decode()
    assert claim.number in found and "Refused for a reason." not in found
    assert client.get(f"{url}{waiting.pk}/change/").status_code == 200  # view only
    assert client.post(f"{url}{waiting.pk}/change/", {"error": "x"}).status_code == 403
    assert client.get(f"{url}add/").status_code == 403
    assert client.get(f"{url}{waiting.pk}/delete/").status_code == 403


def test_policyholders_and_password_only_staff_do_not_reach_the_admin(
        client, adjuster, holder_user):
    client.force_login(holder_user)
    assert client.get("/admin/claims/reportreceipt/").status_code == 302
    client.force_login(adjuster, second_factor=False)
    assert client.get("/admin/claims/reportreceipt/").status_code != 200
