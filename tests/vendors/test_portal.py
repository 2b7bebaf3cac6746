"""The vendor portal: my jobs, the job page with its forms, other organisations' jobs 404."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from claims.vendors.models import VendorJob
from tests.factories import PASSWORD, PDF, make_job

ACTIONS = ["accept", "decline", "quote", "progress", "report", "complete", "invoice"]


def login(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_my_jobs_are_listed_and_filtered(claim, org_a, org_b, vendor_a):
    mine = make_job(claim, org_a)
    make_job(claim, org_b, scope="foreign")
    accepted = make_job(claim, org_a, state="accepted")
    client = login(vendor_a)
    page = client.get("/vendor/").content.decode()
    assert f"/vendor/jobs/{mine.pk}/" in page and f"/vendor/jobs/{accepted.pk}/" in page
    assert "Beta" not in page
    page = client.get("/vendor/?state=accepted").content.decode()
    assert f"/vendor/jobs/{accepted.pk}/" in page and f"/vendor/jobs/{mine.pk}/" not in page


def test_the_job_list_shows_each_jobs_link_claim_service_state_and_dates_in_german(
        claim, org_a, vendor_a):
    berlin = ZoneInfo("Europe/Berlin")
    requested = make_job(claim, org_a, emergency=True,
                         requested_at=datetime(2026, 3, 1, 8, 5, tzinfo=berlin),
                         accept_deadline=datetime(2026, 3, 1, 9, 5, tzinfo=berlin))
    accepted = make_job(claim, org_a, state="accepted", service_code="data_recovery",
                        requested_at=datetime(2026, 2, 27, 23, 30, tzinfo=berlin),
                        accept_deadline=datetime(2026, 2, 28, 0, 30, tzinfo=berlin))
    client = login(vendor_a)
    page = client.get("/vendor/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    with translation.override("de"):
        loss_type = claim.loss_type.name
        recovery = gettext(accepted.service.name)
        forensics = gettext(requested.service.name)
    assert (f'<td><a href="/vendor/jobs/{requested.pk}/">Auftrag {requested.pk}</a> '
            '<span class="badge emergency">NOTFALL</span></td>\n'
            f"      <td>{claim.number} · {loss_type}</td>\n"
            f"      <td>{forensics}</td>\n"
            '      <td><span class="badge">Angefragt</span><br><strong>annehmen bis '
            "01.03.2026 09:05</strong></td>\n"
            "      <td>01.03.2026 08:05</td>") in page
    assert (f'<td><a href="/vendor/jobs/{accepted.pk}/">Auftrag {accepted.pk}</a></td>\n'
            f"      <td>{claim.number} · {loss_type}</td>\n"
            f"      <td>{recovery}</td>\n"
            '      <td><span class="badge">Angenommen</span></td>\n'
            "      <td>27.02.2026 23:30</td>") in page


@pytest.mark.parametrize("action", [None, *ACTIONS])
def test_another_organisations_job_is_not_found(claim, org_b, vendor_a, action):
    foreign = make_job(claim, org_b)
    client = login(vendor_a)
    if action is None:
        response = client.get(f"/vendor/jobs/{foreign.pk}/")
    else:
        response = client.post(f"/vendor/jobs/{foreign.pk}/{action}/", {"reason": "x"})
    assert response.status_code == 404
    assert VendorJob.objects.get(pk=foreign.pk).state == "requested"


def test_only_vendor_staff_use_the_portal(claim, org_a, holder_user):
    job = make_job(claim, org_a)
    assert Client().get("/vendor/").status_code == 302
    assert login(holder_user).get(f"/vendor/jobs/{job.pk}/").status_code == 403


def test_the_job_page_shows_the_facts_and_accepts(claim, org_a, vendor_a):
    job = make_job(claim, org_a)
    client = login(vendor_a)
    page = client.get(f"/vendor/jobs/{job.pk}/").content.decode()
    assert claim.number in page and "Pixel &amp; Code GmbH" in page
    assert "csrfmiddlewaretoken" in page
    response = client.post(f"/vendor/jobs/{job.pk}/accept/", follow=True)
    assert "You accepted the job." in response.content.decode()
    assert VendorJob.objects.get(pk=job.pk).state == "accepted"


def test_form_errors_are_shown_in_place(claim, org_a, vendor_a):
    job = make_job(claim, org_a, state="in_progress")
    client = login(vendor_a)
    response = client.post(f"/vendor/jobs/{job.pk}/progress/", {"percent": "150", "text": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value is less than or equal to 100." in page
    assert "This field is required." in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(f"/vendor/jobs/{job.pk}/report/",
                           {"file": SimpleUploadedFile("r.pdf", b"MZ program")})
    assert response.status_code == 400
    assert "programs and scripts are not accepted" in response.content.decode()


def test_a_wrong_state_is_explained_not_crashed(claim, org_a, vendor_a):
    job = make_job(claim, org_a, state="completed")
    response = login(vendor_a).post(f"/vendor/jobs/{job.pk}/accept/", follow=True)
    assert "not possible" in response.content.decode()


def test_every_form_needs_the_csrf_token(claim, org_a, vendor_a):
    job = make_job(claim, org_a)
    client = Client(enforce_csrf_checks=True)
    client.force_login(vendor_a)
    assert client.post(f"/vendor/jobs/{job.pk}/accept/").status_code == 403
    assert VendorJob.objects.get(pk=job.pk).state == "requested"


def test_a_vendor_uploads_report_and_invoice_through_the_portal(claim, org_a, vendor_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = make_job(claim, org_a, state="in_progress")
    client = login(vendor_a)
    client.post(f"/vendor/jobs/{job.pk}/report/", {"file": SimpleUploadedFile("r.pdf", PDF)})
    client.post(f"/vendor/jobs/{job.pk}/complete/")
    response = client.post(f"/vendor/jobs/{job.pk}/invoice/",
                           {"amount": "4200.00", "file": SimpleUploadedFile("i.pdf", PDF)})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.state == "invoiced" and str(job.invoice_amount) == "4200.00"


def test_an_uploaded_report_is_listed_on_the_vendors_job_page(claim, org_a, vendor_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    job = make_job(claim, org_a, state="in_progress")
    client = login(vendor_a)
    client.post(f"/vendor/jobs/{job.pk}/report/",
                {"file": SimpleUploadedFile("draft-report.pdf", PDF)})
    client.post(f"/vendor/jobs/{job.pk}/report/",
                {"file": SimpleUploadedFile("final-report.pdf", PDF)})

    page = client.get(f"/vendor/jobs/{job.pk}/").content.decode()

    docs = page[page.index('id="docs-h"'):]
    assert "draft-report.pdf" in docs and "final-report.pdf" in docs
    assert "(final report)" in docs
