"""Seeded people and objects for the API and security tests: two policyholders (A, B) with a
cyber policy and a claim each, two vendor organisations (X, Y) with a job each, an adjuster, a
team lead and a superuser. Claim A is in the liability check (so it has a coverage section),
with an open question and a document A uploaded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.twofactor import needs_two_factor
from claims.services import document_add, information_request_create
from tests.factories import (
    PDF,
    PolicyholderFactory,
    SuperuserFactory,
    UserFactory,
    make_adjuster,
    make_job,
    make_org,
    make_policy,
    make_team_lead,
    make_vendor_user,
    report,
    walk,
)
from tests.otp import api_token, staff_login

ROLES = ("anonymous", "holder_a", "holder_b", "vendor_x", "vendor_y", "adjuster", "team_lead",
         "admin")


@dataclass
class Seed:
    users: dict
    policy_a: object
    policy_b: object
    claim_a: object
    claim_b: object
    job_x: object
    job_y: object
    question_a: object
    document_a: object

    def client(self, role: str, *, token: bool = False) -> APIClient:
        client = APIClient()
        user = self.users[role]
        if user.is_authenticated:
            if token:
                client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
            elif needs_two_factor(user):
                staff_login(client, user)
            else:
                client.force_login(user)
        return client


def make_seed() -> Seed:
    lead = make_team_lead("lead")
    adjuster = make_adjuster("adj", team_lead=lead)
    holder_a = PolicyholderFactory(user=UserFactory(username="holder.a"),
                                   company_name="Alpha Code GmbH")
    holder_b = PolicyholderFactory(user=UserFactory(username="holder.b"),
                                   company_name="Beta Pixel GmbH")
    policy_a = make_policy(holder=holder_a, product="cyber", created_by=lead)
    policy_b = make_policy(holder=holder_b, product="cyber", created_by=lead)
    claim_a = walk(report(policy_a, holder_a.user), adjuster, "start_liability_check")
    claim_b = report(policy_b, holder_b.user)
    org_x = make_org("Xenon Forensik", "forensics")
    org_y = make_org("Yotta Forensik", "forensics")
    vendor_x = make_vendor_user("vendor.x", org_x)
    vendor_y = make_vendor_user("vendor.y", org_y)
    job_x = make_job(claim_a, org_x)
    job_y = make_job(claim_b, org_y)
    question_a = information_request_create(
        claim=claim_a, question="Send the firewall logs.",
        due_date=timezone.localdate() + timedelta(days=7), requested_by=adjuster,
    )
    document_a = document_add(
        claim=claim_a, upload=SimpleUploadedFile("evidence.pdf", PDF),
        doc_type="evidence", uploaded_by=holder_a.user,
    )
    users = {
        "anonymous": AnonymousUser(), "holder_a": holder_a.user, "holder_b": holder_b.user,
        "vendor_x": vendor_x, "vendor_y": vendor_y, "adjuster": adjuster, "team_lead": lead,
        "admin": SuperuserFactory(username="root"),
    }
    return Seed(users=users, policy_a=policy_a, policy_b=policy_b, claim_a=claim_a,
                claim_b=claim_b, job_x=job_x, job_y=job_y, question_a=question_a,
                document_a=document_a)
