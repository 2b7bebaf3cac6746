"""Staff two-factor authentication (django-otp): the admin lets adjusters, team leads and
administrators in only with a current TOTP code or an unused recovery code; a password alone, a
reused or wrong code, or a used recovery code are refused; a staff session without the second
factor cannot use the API either."""

from django.test import Client

from accounts.twofactor import recovery_codes_create, totp_enrol
from tests.factories import PASSWORD
from tests.otp import TEST_TOTP_KEY, current_code, staff_login


def _admin_login(client, user, code):
    return client.post("/admin/login/", {"username": user.username, "password": PASSWORD,
                                         "otp_token": code, "next": "/admin/"})


def test_a_password_alone_does_not_open_the_admin(seed):
    lead = seed.users["team_lead"]
    totp_enrol(lead, key=TEST_TOTP_KEY)
    client = Client()
    response = _admin_login(client, lead, "")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302  # back to the login


def test_a_current_totp_code_opens_the_admin_once(seed):
    lead = seed.users["team_lead"]
    device = totp_enrol(lead, key=TEST_TOTP_KEY)
    client = Client()
    assert _admin_login(client, lead, current_code(device)).status_code == 302
    assert client.get("/admin/").status_code == 200
    replay = Client()
    assert _admin_login(replay, lead, current_code(device)).status_code == 200  # used already


def test_a_wrong_code_is_refused(seed):
    lead = seed.users["team_lead"]
    totp_enrol(lead, key=TEST_TOTP_KEY)
    client = Client()
    response = _admin_login(client, lead, "000000")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_recovery_code_works_once(seed):
    adjuster = seed.users["adjuster"]
    totp_enrol(adjuster)
    codes = recovery_codes_create(adjuster)
    assert len(codes) == 10
    assert _admin_login(Client(), adjuster, codes[0]).status_code == 302
    assert _admin_login(Client(), adjuster, codes[0]).status_code == 200


def test_a_staff_session_without_the_second_factor_cannot_use_the_api(seed):
    client = Client()
    client.force_login(seed.users["adjuster"])  # password only, no second factor
    assert client.get("/api/claims/").status_code in (401, 403)
    assert client.get("/admin/").status_code == 302


def test_a_verified_staff_session_uses_the_api(seed):
    client = Client()
    staff_login(client, seed.users["adjuster"])
    assert client.get("/api/claims/").status_code == 200


def test_policyholders_and_vendors_sign_in_without_a_second_factor(seed):
    client = Client()
    response = client.post("/accounts/login/", {"username": "holder.a", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/portal/").status_code == 200
