"""Least data: a vendor sees the policyholder's contact only while the job needs it, never the
policy, another claim or the claimant."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from privacy.least_data import vendor_job_contact
from tests.factories import make_job

pytestmark = pytest.mark.django_db


def vendor_api(user, job) -> dict:
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(f"/api/vendor/jobs/{job.pk}")
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(("state", "shown"), [
    ("requested", {"company_name", "postcode", "city"}),
    ("accepted", {"company_name", "contact_name", "phone", "email", "street", "postcode",
                  "city"}),
    ("in_progress", {"company_name", "contact_name", "phone", "email", "street", "postcode",
                     "city"}),
    ("declined", set()),
    ("cancelled", set()),
])
def test_the_contact_a_vendor_sees_follows_the_job(claimant_claim, organisation, vendor_user,
                                                   state, shown):
    extra = {"cancel_reason": "Not needed."} if state == "cancelled" else {}
    job = make_job(claimant_claim, organisation, state=state, **extra)

    contact = vendor_api(vendor_user, job)["claim"]["policyholder"]

    assert {key for key, value in contact.items() if value} == shown


def test_a_finished_job_shows_the_contact_for_the_grace_period_only(
    claimant_claim, organisation, vendor_user, settings
):
    settings.PRIVACY_VENDOR_CONTACT_GRACE_DAYS = 14
    job = make_job(claimant_claim, organisation, state="completed",
                   completed_at=timezone.now() - timedelta(days=13))
    assert vendor_api(vendor_user, job)["claim"]["policyholder"]["phone"] == "+49 821 123456"

    type(job).objects.filter(pk=job.pk).update(completed_at=timezone.now() - timedelta(days=15))
    data = vendor_api(vendor_user, job)
    assert not any(data["claim"]["policyholder"].values())
    assert "no longer shown" in data["contact_note"]
    assert vendor_job_contact(job, now=timezone.now() - timedelta(days=10)).email


def test_the_vendor_sees_no_policy_claimant_birth_date_or_other_claim(
    claimant_claim, closed_claim, organisation, vendor_user
):
    job = make_job(claimant_claim, organisation, state="accepted")

    text = json.dumps(vendor_api(vendor_user, job)).lower()

    for secret in ("birth", "client ag", "legal@client.example", "hauptstr",
                   closed_claim.number.lower(), claimant_claim.policy.number.lower(),
                   "sum_insured", "premium"):
        assert secret not in text


def test_the_vendor_portal_page_hides_the_contact_of_a_declined_job(
    claimant_claim, organisation, vendor_user
):
    job = make_job(claimant_claim, organisation, state="declined")
    client = Client()
    client.force_login(vendor_user)

    page = client.get(f"/vendor/jobs/{job.pk}/").content.decode()

    assert "anna@schmidt.example" not in page and "+49 821 123456" not in page
    assert "contact details are not shown" in page
