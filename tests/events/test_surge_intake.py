"""A report under an event, as a surge of them arrives: with an API token it is checked and
stored in a fixed, small number of statements, and names only the policyholder's own active
policies."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from claims.events.models import EventReport
from policies.models import Policy
from tests.events.conftest import other_holder_policy
from tests.otp import api_token

pytestmark = pytest.mark.django_db


def _token_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def _body(policy, **overrides):
    return {"policy": policy, "loss_date": timezone.localdate().isoformat(),
            "description": "All files encrypted by LockBridge.", **overrides}


def test_a_report_with_a_token_runs_six_statements(holder_user, event, cyber_policy):
    client = _token_client(holder_user)
    url = f"/api/me/events/{event.pk}/claims/"
    assert client.post(url, _body(cyber_policy.pk), format="json",
                       HTTP_IDEMPOTENCY_KEY="warm").status_code == 202
    with CaptureQueriesContext(connection) as captured:
        response = client.post(url, _body(cyber_policy.pk), format="json",
                               HTTP_IDEMPOTENCY_KEY="second")
    assert response.status_code == 202
    # The token with its user, the key, the event, the policy, the report, the stored answer
    # (the test's savepoints, which stand for the request's transaction, not counted).
    statements = [query["sql"] for query in captured.captured_queries
                  if not query["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]
    assert len(statements) <= 6, "\n".join(sql[:160] for sql in statements)
    assert EventReport.objects.get(pk=response.json()["id"]).policy == cyber_policy


@pytest.mark.parametrize("policy", ["other", "cancelled", True, "abc", 2**70, -1, [1], 1.5])
def test_a_report_naming_no_active_policy_of_ones_own_is_refused(
        holder_user, event, cyber_policy, adjuster, policy):
    if policy == "other":
        policy = other_holder_policy("Someone Else", adjuster)[0].pk
    elif policy == "cancelled":
        Policy.objects.filter(pk=cyber_policy.pk).update(
            status=Policy.Status.CANCELLED, cancelled_from=timezone.localdate())
        policy = cyber_policy.pk
    response = _token_client(holder_user).post(f"/api/me/events/{event.pk}/claims/",
                                               _body(policy), format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["error"]["fields"]["policy"] == ["Not one of your policies."]
    assert not EventReport.objects.exists()


def test_the_policy_may_be_named_by_its_number_as_text(holder_user, event, cyber_policy):
    response = _token_client(holder_user).post(f"/api/me/events/{event.pk}/claims/",
                                               _body(str(cyber_policy.pk)), format="json")
    assert response.status_code == 202, response.json()
