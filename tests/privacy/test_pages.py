"""The doors for people: the portal's "My data" page and the admin's data-protection screens."""

from __future__ import annotations

import pytest
from django.test import Client

from config.models import OutboxMessage
from privacy.models import DataExport, ErasureRequest, LegalHold
from privacy.services import data_export_build

pytestmark = pytest.mark.django_db


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def build_pending() -> None:
    for message in OutboxMessage.objects.filter(task_name="privacy.data_export_build"):
        data_export_build(**message.kwargs)


def test_the_policyholder_requests_a_copy_sees_progress_and_downloads_it(closed_claim,
                                                                         holder_user):
    client = browser(holder_user)
    assert b"My data" in client.get("/portal/").content

    response = client.post("/portal/privacy/exports/", follow=True)
    page = response.content.decode()
    assert "We are preparing a copy of your data" in page
    assert 'http-equiv="refresh"' in page and "<progress" in page
    again = client.post("/portal/privacy/exports/", follow=True).content.decode()
    assert "already being prepared" in again and DataExport.objects.count() == 1

    build_pending()
    page = client.get("/portal/privacy/").content.decode()
    export = DataExport.objects.get()
    assert f"/portal/privacy/exports/{export.pk}/download/" in page
    assert 'http-equiv="refresh"' not in page
    download = client.get(f"/portal/privacy/exports/{export.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"


def test_the_policyholder_asks_for_erasure_and_reads_the_answer(closed_claim, holder_user):
    client = browser(holder_user)

    refused = client.post("/portal/privacy/erasure/", {"note": "Erase it"})
    assert refused.status_code == 400 and ErasureRequest.objects.count() == 0

    page = client.post("/portal/privacy/erasure/", {"note": "Erase it", "confirm": "on"},
                       follow=True).content.decode()
    assert "Your request has been answered below." in page
    assert f"Claim {closed_claim.number}" in page and "Retention period until" in page


def test_another_login_has_no_my_data_page_of_someone_else(closed_claim, holder_user,
                                                           vendor_user):
    browser(holder_user).post("/portal/privacy/exports/")
    export = DataExport.objects.get()
    assert browser(vendor_user).get("/portal/privacy/").status_code == 404
    assert browser(vendor_user).get(
        f"/portal/privacy/exports/{export.pk}/download/").status_code == 404


def test_the_administrator_exports_answers_erasure_and_the_adjuster_holds_in_the_admin(
    closed_claim, privacy_admin, adjuster
):
    admin = browser(privacy_admin)
    response = admin.post("/admin/privacy/dataexport/add/", {
        "subject_kind": "policyholder", "policyholder": closed_claim.policy.policyholder_id,
        "claimant_email": "", "vendor_organisation": ""})
    assert response.status_code == 302
    build_pending()
    export = DataExport.objects.get()
    listing = admin.get("/admin/privacy/dataexport/").content.decode()
    assert f"/admin/privacy/dataexport/{export.pk}/download/" in listing
    assert admin.get(f"/admin/privacy/dataexport/{export.pk}/download/").status_code == 200

    missing = admin.post("/admin/privacy/erasurerequest/add/", {"subject_kind": "claimant"})
    assert missing.status_code == 200 and b"Needed for this kind of person." in missing.content
    admin.post("/admin/privacy/erasurerequest/add/", {
        "subject_kind": "claimant", "claimant_email": "nobody@example.com", "note": "x"})
    request = ErasureRequest.objects.get()
    page = admin.get(f"/admin/privacy/erasurerequest/{request.pk}/change/").content.decode()
    assert "No claim names this address." in page

    staff = browser(adjuster)
    assert staff.get("/admin/privacy/dataexport/").status_code == 403
    assert staff.post("/admin/privacy/legalhold/add/", {
        "claim": closed_claim.pk, "reason": "Lawsuit"}).status_code == 302
    hold = LegalHold.objects.get()
    claim_page = staff.get(f"/admin/claims/claim/{closed_claim.pk}/change/").content.decode()
    assert "Legal hold" in claim_page and "Lawsuit" in claim_page
    staff.post(f"/admin/privacy/legalhold/{hold.pk}/change/", {
        "release_reason": "Judgment final"})
    hold.refresh_from_db()
    assert not hold.is_active and hold.release_reason == "Judgment final"


def test_the_administrator_exports_policyholders_from_their_list(closed_claim, privacy_admin,
                                                                 adjuster):
    holder_id = closed_claim.policy.policyholder_id
    response = browser(privacy_admin).post("/admin/policies/policyholder/", {
        "action": "export_personal_data", "_selected_action": [holder_id]})

    assert response.status_code == 302 and response["Location"] == "/admin/privacy/dataexport/"
    assert DataExport.objects.get().policyholder_id == holder_id
    listing = browser(adjuster).get("/admin/policies/policyholder/")
    assert listing.status_code == 200 and b"export_personal_data" not in listing.content
