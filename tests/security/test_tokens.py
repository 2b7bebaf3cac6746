"""API tokens (django-rest-knox): a new token per sign-in, an expiry that counts idle days, revoked
by a password change or a deactivation, listed and revoked by their owner; the token endpoint
refuses anything but an object of strings with a 400."""

from datetime import timedelta

import pytest
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD
from tests.otp import current_code, totp_device


def _sign_in(username="holder.a", password=PASSWORD, **extra):
    return APIClient().post("/api/auth/token/", {"username": username, "password": password,
                                                 **extra}, format="json")


def _client(token):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_each_sign_in_issues_a_new_token_that_expires_in_30_days(seed):
    first, second = _sign_in().json(), _sign_in().json()
    assert first["token"] != second["token"]
    expiry = AuthToken.objects.filter(user=seed.users["holder_a"]).latest("created").expiry
    assert timedelta(days=29, hours=23) < expiry - timezone.now() <= timedelta(days=30)


def test_an_expired_token_is_refused(seed):
    token = _sign_in().json()["token"]
    AuthToken.objects.filter(user=seed.users["holder_a"]).update(
        expiry=timezone.now() - timedelta(seconds=1))
    assert _client(token).get("/api/me/claims/").status_code == 401


def test_a_password_change_revokes_the_tokens(seed):
    token = _sign_in().json()["token"]
    user = seed.users["holder_a"]
    user.set_password("a-new-long-password-7")
    user.save()
    assert _client(token).get("/api/me/claims/").status_code == 401
    assert not AuthToken.objects.filter(user=user).exists()


def test_a_deactivation_revokes_the_tokens(seed):
    token = _sign_in().json()["token"]
    user = seed.users["holder_a"]
    user.is_active = False
    user.save()
    assert not AuthToken.objects.filter(user=user).exists()
    assert _client(token).get("/api/me/claims/").status_code == 401


def test_a_user_lists_and_revokes_their_tokens(seed):
    kept, revoked = _sign_in().json()["token"], _sign_in().json()["token"]
    client = _client(kept)
    listed = client.get("/api/auth/tokens/").json()
    assert len(listed) == 2
    assert [t["current"] for t in listed].count(True) == 1
    other = next(t["id"] for t in listed if not t["current"])
    assert client.delete(f"/api/auth/tokens/{other}/").status_code == 204
    assert _client(revoked).get("/api/me/claims/").status_code == 401
    assert client.get("/api/me/claims/").status_code == 200


def test_nobody_revokes_someone_elses_token(seed):
    _sign_in("holder.b")
    theirs = AuthToken.objects.get(user=seed.users["holder_b"]).token_key
    mine = _sign_in().json()["token"]
    assert _client(mine).delete(f"/api/auth/tokens/{theirs}/").status_code == 404
    assert AuthToken.objects.filter(token_key=theirs).exists()


def test_revoking_the_current_token_signs_the_client_out(seed):
    token = _sign_in().json()["token"]
    client = _client(token)
    current = client.get("/api/auth/tokens/").json()[0]["id"]
    assert client.delete(f"/api/auth/tokens/{current}/").status_code == 204
    assert client.get("/api/me/claims/").status_code == 401


def test_staff_need_the_second_factor_for_a_token(seed):
    adjuster = seed.users["adjuster"]
    device = totp_device(adjuster)
    refused = _sign_in("adj")
    assert refused.status_code == 400
    assert "otp_token" in refused.json()["error"]["fields"]
    issued = _sign_in("adj", otp_token=current_code(device))
    assert issued.status_code == 200
    assert _client(issued.json()["token"]).get("/api/claims/").status_code == 200


def test_a_wrong_second_factor_gets_no_token(seed):
    totp_device(seed.users["adjuster"])
    assert _sign_in("adj", otp_token="000000").status_code == 400
    assert not AuthToken.objects.filter(user=seed.users["adjuster"]).exists()


@pytest.mark.parametrize("body", ["[]", "null", '"s"', "1", "true", '{"username": ["a"]}'])
def test_the_token_endpoint_refuses_a_body_that_is_not_an_object_of_strings(seed, body):
    response = APIClient().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] in ("invalid", "parse_error")


@pytest.mark.parametrize("body", [
    '{"username": "\\ud800", "password": "x"}',
    '{"\\udfff": "holder.a", "password": "x"}',
])
def test_the_token_endpoint_refuses_lone_surrogates(seed, body):
    response = APIClient().post("/api/auth/token/", body, content_type="application/json")
    assert response.status_code == 400
    assert "surrogate" in response.json()["error"]["message"]


def test_the_portal_and_vendor_portal_list_and_revoke_tokens(seed):
    token = _sign_in("vendor.x").json()["token"]
    key = AuthToken.objects.get(user=seed.users["vendor_x"]).token_key
    client = seed.client("vendor_x")
    assert "API access" in client.get("/vendor/").content.decode()
    page = client.get("/accounts/api-tokens/").content.decode()
    assert key in page and token not in page
    holder = seed.client("holder_a")
    assert "API access" in holder.get("/portal/").content.decode()
    assert holder.post("/accounts/api-tokens/", {"token": key}).status_code == 404
    assert client.post("/accounts/api-tokens/", {"token": key}).status_code == 302
    assert _client(token).get("/api/vendor/jobs").status_code == 401


def test_a_token_request_reads_the_token_its_user_and_their_roles_in_one_statement(
        seed, django_assert_num_queries):
    token = _sign_in().json()["token"]
    client = _client(token)
    client.get("/api/me/events/")  # the token's expiry moved on now: no write below
    with django_assert_num_queries(2):  # the token with its user, then the open events
        assert client.get("/api/me/events/").status_code == 200


def test_using_a_token_deletes_the_users_other_expired_tokens_only(seed):
    used, expired, other = (_sign_in().json()["token"] for _ in range(3))
    user = seed.users["holder_a"]
    AuthToken.objects.filter(token_key=expired[:15]).update(
        expiry=timezone.now() - timedelta(seconds=1))
    theirs = _sign_in("holder.b").json()["token"]
    AuthToken.objects.filter(token_key=theirs[:15]).update(
        expiry=timezone.now() - timedelta(seconds=1))
    assert _client(used).get("/api/me/claims/").status_code == 200
    assert sorted(AuthToken.objects.filter(user=user).values_list("token_key", flat=True)) == \
        sorted([used[:15], other[:15]])
    assert AuthToken.objects.filter(token_key=theirs[:15]).exists()  # not this user's


def test_using_a_token_moves_its_expiry_on(seed):
    token = _sign_in().json()["token"]
    AuthToken.objects.filter(token_key=token[:15]).update(
        expiry=timezone.now() + timedelta(days=1))
    assert _client(token).get("/api/me/claims/").status_code == 200
    expiry = AuthToken.objects.get(token_key=token[:15]).expiry
    assert timedelta(days=29, hours=23) < expiry - timezone.now() <= timedelta(days=30)


@pytest.mark.parametrize("token", ["a" * 64, "short", "\x00" * 64, "a" * 15 + "é" * 49])
def test_an_unknown_or_malformed_token_is_refused_with_401(seed, token):
    assert _client(token).get("/api/me/claims/").status_code == 401


def test_a_token_of_someone_else_with_the_same_key_is_refused(seed):
    token = _sign_in().json()["token"]
    forged = token[:15] + ("0" if token[15] != "0" else "1") + token[16:]
    assert _client(forged).get("/api/me/claims/").status_code == 401
    assert _client(token).get("/api/me/claims/").status_code == 200
