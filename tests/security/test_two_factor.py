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
    # Read once: the replay sends the same code even if the 30-second step turns meanwhile.
    code = current_code(device)
    client = Client()
    assert _admin_login(client, lead, code).status_code == 302
    assert client.get("/admin/").status_code == 200
    replay = Client()
    assert _admin_login(replay, lead, code).status_code == 200  # used already


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
    client.force_login(seed.users["adjuster"], second_factor=False)  # password only
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


def test_staff_renew_their_recovery_codes_and_the_old_ones_stop_working(seed):
    from config.models import AuditEntry

    lead = seed.users["team_lead"]
    old = recovery_codes_create(lead)
    client = Client()
    staff_login(client, lead)
    assert "Two-factor sign-in" in client.get("/admin/").content.decode()
    page = client.post("/accounts/two-factor/", {"action": "recovery"})
    assert page.status_code == 200
    new_codes = page.context["new_codes"]
    assert len(new_codes) == 10 and new_codes[0] in page.content.decode()
    assert _admin_login(Client(), lead, new_codes[1]).status_code == 302
    assert _admin_login(Client(), lead, old[1]).status_code == 200  # no longer valid
    assert AuditEntry.objects.filter(action="two_factor.recovery_codes_renewed").exists()


def test_staff_replace_their_authenticator_after_confirming_a_code(seed):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    lead = seed.users["team_lead"]
    totp_enrol(lead, key=TEST_TOTP_KEY)
    client = Client()
    staff_login(client, lead)
    page = client.post("/accounts/two-factor/", {"action": "totp_start"})
    assert 'src="data:image/svg+xml;base64,' in page.content.decode()
    wrong = client.post("/accounts/two-factor/", {"action": "totp_confirm", "code": "000000"})
    assert "does not match" in wrong.content.decode()
    assert TOTPDevice.objects.get(user=lead, confirmed=True).key == TEST_TOTP_KEY
    pending = TOTPDevice.objects.get(user=lead, confirmed=False)
    pending.throttling_failure_count = 0
    pending.throttling_failure_timestamp = None
    pending.save()
    done = client.post("/accounts/two-factor/", {"action": "totp_confirm",
                                                 "code": current_code(pending)})
    assert done.status_code == 302
    device = TOTPDevice.objects.get(user=lead)
    assert device.confirmed and device.key == pending.key


def test_policyholders_have_no_two_factor_page(seed):
    response = seed.client("holder_a").get("/accounts/two-factor/")
    assert response.status_code == 302


def test_a_session_naming_a_device_that_is_gone_or_not_theirs_is_not_verified(seed):
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    staff_login(client, seed.users["adjuster"])
    other = totp_enrol(seed.users["team_lead"], key=TEST_TOTP_KEY)
    for device_id in (other.persistent_id, "otp_totp.totpdevice/99999999999",
                      "otp_totp.totpdevice/x", "nosuch.model/1", "auth.user/1"):
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_id
        session.save()
        assert client.get("/api/claims/").status_code in (401, 403), device_id
        assert client.get("/admin/").status_code == 302, device_id
