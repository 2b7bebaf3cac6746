"""Vendor fixtures on top of the claims fixtures: two organisations (A on the panel, B not),
a login of each, and a cyber claim in the liability check to commission them on."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import make_job, make_org, make_vendor_user


@pytest.fixture
def org_a(db):
    return make_org("Alpha Forensik", "forensics", "data_recovery", panel=True,
                    available_24_7=True)


@pytest.fixture
def org_b(db):
    return make_org("Beta Forensik", "forensics", panel=False)


@pytest.fixture
def vendor_a(org_a):
    return make_vendor_user("vendor.a", org_a)


@pytest.fixture
def vendor_b(org_b):
    return make_vendor_user("vendor.b", org_b)


@pytest.fixture
def claim(claim_in_liability_check):
    return claim_in_liability_check


@pytest.fixture
def job_a(claim, org_a):
    return make_job(claim, org_a)


@pytest.fixture
def job_b(claim, org_b):
    return make_job(claim, org_b)


@pytest.fixture
def people(vendor_a, vendor_b, adjuster, holder_user):
    """Every role, by name, for the permission matrix."""
    return {"vendor": vendor_a, "other_vendor": vendor_b, "adjuster": adjuster,
            "policyholder": holder_user, "anonymous": AnonymousUser()}
