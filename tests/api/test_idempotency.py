"""Idempotency-Key on the writes that create claims or money."""

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Claim
from config.models import IdempotencyKey
from tests.api.seed import make_seed


def _body(policy, description="Encrypted file server"):
    return {"policy": policy.pk, "loss_type": "ransomware",
            "loss_date": str(timezone.localdate() - timedelta(days=1)),
            "description": description}


def test_the_same_key_and_body_returns_the_first_response(seed):
    client = seed.client("holder_a", token=True)
    first = client.post("/api/me/claims/", _body(seed.policy_a), format="json",
                        HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post("/api/me/claims/", _body(seed.policy_a), format="json",
                         HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Claim.objects.filter(policy=seed.policy_a).count() == 2  # the seeded one + one


def test_the_same_key_with_another_body_is_409(seed):
    client = seed.client("holder_a", token=True)
    client.post("/api/me/claims/", _body(seed.policy_a), format="json",
                HTTP_IDEMPOTENCY_KEY="k-2")
    response = client.post("/api/me/claims/", _body(seed.policy_a, "Another incident"),
                           format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Claim.objects.filter(policy=seed.policy_a).count() == 2


def test_a_failed_write_keeps_no_key_so_the_request_can_be_retried(seed):
    client = seed.client("holder_a", token=True)
    bad = {**_body(seed.policy_a), "loss_date": str(timezone.localdate() + timedelta(days=2))}
    assert client.post("/api/me/claims/", bad, format="json",
                       HTTP_IDEMPOTENCY_KEY="k-3").status_code == 400
    assert not IdempotencyKey.objects.filter(key="k-3").exists()


def test_keys_belong_to_one_user(seed):
    a = seed.client("holder_a", token=True).post(
        "/api/me/claims/", _body(seed.policy_a), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    b = seed.client("holder_b", token=True).post(
        "/api/me/claims/", _body(seed.policy_b), format="json", HTTP_IDEMPOTENCY_KEY="shared")
    assert a.status_code == b.status_code == 201
    assert a.json()["id"] != b.json()["id"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_concurrent_identical_requests_create_one_claim():
    seed = make_seed()
    before = Claim.objects.count()
    body = _body(seed.policy_a, "Twenty clicks on one button")

    def send(_):
        try:
            client = seed.client("holder_a", token=True)
            response = client.post("/api/me/claims/", body, format="json",
                                   HTTP_IDEMPOTENCY_KEY="burst-1")
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(send, range(20)))
    assert Claim.objects.count() == before + 1
    assert {status for status, _ in results} == {201}
    assert len({body["id"] for _, body in results}) == 1
