"""Login limits (django-axes, in the database) on every door that checks a password: the login
page (policyholders and vendors), /admin/login/ and the API token endpoint. Failures count per
normalised user name and, separately, per IP address: 5 within 15 minutes lock further
attempts, whatever spelling of the name or whichever name is tried."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from accounts.usernames import normalise_username, username_taken
from tests.factories import PASSWORD, UserFactory
from tests.otp import recovery_code, totp_device

FULLWIDTH_M = "\uff4d"  # ｍ


def _token(client, username, password, address="10.0.0.1", **extra):
    return client.post("/api/auth/token/", {"username": username, "password": password, **extra},
                       format="json", REMOTE_ADDR=address)


def test_the_token_endpoint_refuses_after_five_failures(seed):
    client = seed.client("anonymous")
    answers = [_token(client, "holder.a", "no").status_code for _ in range(5)]
    assert answers == [400, 400, 400, 400, 429]  # the fifth failure locks
    blocked = _token(client, "holder.a", PASSWORD)
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"
    assert "Too many failed sign-in attempts" in blocked.json()["error"]["message"]


def test_a_token_works_for_the_api(seed):
    client = seed.client("anonymous")
    response = _token(client, "holder.a", PASSWORD)
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/me/claims/").status_code == 200


def test_other_names_from_other_addresses_are_not_blocked_by_someone_elses_failures(seed):
    client = seed.client("anonymous")
    for _ in range(6):
        _token(client, "holder.b", "x", address="10.0.0.2")
    assert _token(client, "holder.a", PASSWORD, address="10.0.0.3").status_code == 200


def test_a_name_is_locked_from_every_address(seed):
    client = seed.client("anonymous")
    for number in range(5):
        _token(client, "holder.a", "wrong", address=f"10.0.1.{number}")
    assert _token(client, "holder.a", PASSWORD, address="10.0.2.1").status_code == 429


def test_one_password_tried_across_many_names_locks_the_address(seed):
    client = seed.client("anonymous")
    for number in range(5):
        UserFactory(username=f"victim{number}")
        _token(client, f"victim{number}", "Summer2026!", address="10.9.9.9")
    assert _token(client, "holder.a", PASSWORD, address="10.9.9.9").status_code == 429
    assert _token(client, "holder.a", PASSWORD, address="10.9.9.10").status_code == 200


def test_a_fullwidth_or_upper_case_spelling_shares_the_budget_of_the_real_name(seed):
    client = seed.client("anonymous")
    for number in range(5):
        _token(client, "holder.a", "wrong", address=f"10.0.3.{number}")
    for spelling in ("HOLDER.A", "\uff48older.a", "Holder.A "):
        assert _token(client, spelling, PASSWORD, address="10.0.4.1").status_code == 429, spelling


def test_a_fullwidth_spelling_is_locked_on_the_login_page_too(client, db):
    UserFactory(username="mehmet.yilmaz")
    for number in range(5):
        client.post("/accounts/login/", {"username": "mehmet.yilmaz", "password": "no"},
                    REMOTE_ADDR=f"10.1.0.{number}")
    response = client.post("/accounts/login/", {"username": f"{FULLWIDTH_M}ehmet.yilmaz",
                                                "password": PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_other_spellings_of_a_name_sign_in_as_that_user(client, db):
    user = UserFactory(username="mehmet.yilmaz")
    response = client.post("/accounts/login/", {"username": f"{FULLWIDTH_M}ehmet.YILMAZ",
                                                "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_login_page_shows_an_error_after_five_failures(seed, client):
    answers = [client.post("/accounts/login/", {"username": "holder.a", "password": "no"})
               .status_code for _ in range(5)]
    assert answers == [200, 200, 200, 200, 429]
    blocked = client.post("/accounts/login/", {"username": "holder.a", "password": PASSWORD})
    assert blocked.status_code == 429
    assert b"Too many failed sign-in attempts" in blocked.content
    assert "_auth_user_id" not in client.session


def test_the_admin_login_is_limited_too(seed, client):
    lead = seed.users["team_lead"]
    totp_device(lead)
    for number in range(20):
        client.post("/admin/login/", {"username": lead.username, "password": f"wrong{number}",
                                      "otp_token": "123456"}, REMOTE_ADDR=f"10.2.0.{number}")
    response = client.post("/admin/login/", {"username": lead.username, "password": PASSWORD,
                                             "otp_token": recovery_code(lead)},
                           REMOTE_ADDR="10.2.1.1")
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_the_vendor_portal_signs_in_through_the_limited_login_page(seed, client):
    for _ in range(5):
        client.post("/accounts/login/?next=/vendor/", {"username": "vendor.x", "password": "no"})
    response = client.post("/accounts/login/?next=/vendor/",
                           {"username": "vendor.x", "password": PASSWORD})
    assert response.status_code == 429


@pytest.mark.parametrize("spelling", ["Holder.A", "\uff48older.a", "HOLDER.A"])
def test_a_user_whose_normalised_name_collides_is_refused(seed, spelling):
    assert username_taken(spelling)
    with pytest.raises(IntegrityError), transaction.atomic():
        get_user_model().objects.create(username=spelling)


def test_case_folding_collisions_are_found_too(db):
    UserFactory(username="strasse")
    assert normalise_username("STRASSE") == normalise_username("straße")
    assert username_taken("straße")
    assert not username_taken("strasse2")


def test_the_admin_refuses_to_create_a_colliding_name(seed):
    client = seed.client("admin")
    response = client.post("/admin/auth/user/add/", {
        "username": "\uff48older.a", "password1": "a-Long-new-pass-42", "password2":
        "a-Long-new-pass-42", "usable_password": "true"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert not get_user_model().objects.filter(username="\uff48older.a").exists()
