"""A policyholder never reaches another's data, by URL or by form field tampering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, InformationRequest
from tests.factories import UserFactory, loss_type

pytestmark = pytest.mark.django_db


def _foreign_urls(claim, policy):
    document = claim.documents.first()
    request = claim.information_requests.first()
    return {
        "get": [
            reverse("portal:claim", args=[claim.pk]),
            reverse("portal:report_done", args=[claim.pk]),
            reverse("portal:policy", args=[policy.pk]),
            reverse("portal:document", args=[claim.pk, document.pk]),
        ],
        "post": [
            reverse("portal:answer", args=[claim.pk, request.pk]),
            reverse("portal:documents_add", args=[claim.pk]),
            reverse("portal:message", args=[claim.pk]),
            reverse("portal:withdraw", args=[claim.pk]),
        ],
    }


def test_another_policyholders_pages_are_not_found(portal, other_claim, other_policy):
    urls = _foreign_urls(other_claim, other_policy)
    for url in urls["get"]:
        response = portal.get(url)
        assert response.status_code == 404, url
        assert "Page not found" in response.content.decode()
    for url in urls["post"]:
        assert portal.post(url, {"answer": "x", "text": "x", "reason": "x"}).status_code == 404
    other_claim.refresh_from_db()
    assert other_claim.state == "reported"
    assert other_claim.information_requests.get().status == InformationRequest.Status.OPEN
    assert other_claim.notes.count() == 0


def test_another_policyholders_claims_and_policies_are_not_listed(portal, other_claim,
                                                                   other_policy):
    page = portal.get(reverse("portal:home")).content.decode()
    assert other_claim.number not in page
    assert other_policy.number not in page
    assert other_policy.number not in portal.get(reverse("portal:report")).content.decode()


def test_a_document_of_another_claim_is_not_found_under_my_claim(portal, my_claim, other_claim):
    foreign = other_claim.documents.get()
    url = reverse("portal:document", args=[my_claim.pk, foreign.pk])
    assert portal.get(url).status_code == 404


def test_a_question_of_another_claim_cannot_be_answered_through_my_claim(portal, my_claim,
                                                                         other_claim):
    foreign = other_claim.information_requests.get()
    url = reverse("portal:answer", args=[my_claim.pk, foreign.pk])
    assert portal.post(url, {f"q{foreign.pk}-answer": "hijack"}).status_code == 404
    foreign.refresh_from_db()
    assert foreign.status == InformationRequest.Status.OPEN


def test_reporting_under_another_policyholders_policy_is_refused(portal, other_policy):
    token = _token(portal)
    response = portal.post(reverse("portal:report"), {
        "submission_token": token, "policy": other_policy.pk,
        "loss_type": loss_type("ransomware").pk,
        "loss_date": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "description": "Tampered policy id",
    })
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Claim.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, my_claim):
    for url in (reverse("portal:home"), reverse("portal:report"),
                reverse("portal:claim", args=[my_claim.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_a_login_without_policyholder_record_gets_not_found(client, my_claim, adjuster):
    for user in (UserFactory(username="no-holder"), adjuster):
        client.force_login(user)
        assert client.get(reverse("portal:home")).status_code == 404
        assert client.get(reverse("portal:claim", args=[my_claim.pk])).status_code == 404


def test_every_portal_form_needs_the_csrf_token(holder_user, my_claim):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(holder_user)
    response = browser.post(reverse("portal:message", args=[my_claim.pk]), {"text": "hello"})
    assert response.status_code == 403
    assert browser.post(reverse("portal:report"), {}).status_code == 403
    assert my_claim.notes.count() == 0


def _token(client) -> str:
    client.get(reverse("portal:report"))
    return client.session["portal_report_tokens"][-1]
