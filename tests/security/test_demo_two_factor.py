"""The demo's staff are enrolled with the printed secret and recovery codes, and
``manage.py totp_code`` prints the code that signs them in to the admin."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from demo import accounts as demo
from tests.factories import PASSWORD, UserFactory, make_team_lead


def test_demo_staff_sign_in_with_the_printed_code(db):
    lead = make_team_lead("teamlead")
    holder = UserFactory(username="holder")
    out = io.StringIO()
    demo.load(out)
    demo.load(out)  # idempotent
    assert demo.demo_secret_base32() in out.getvalue()
    code = io.StringIO()
    call_command("totp_code", "teamlead", stdout=code)
    client = Client()
    response = client.post("/admin/login/", {"username": "teamlead", "password": PASSWORD,
                                             "otp_token": code.getvalue().strip()})
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert lead.staticdevice_set.get().token_set.count() == len(demo.DEMO_RECOVERY_CODES)
    assert not holder.totpdevice_set.exists()


def test_a_demo_recovery_code_signs_in_once(db):
    make_team_lead("teamlead")
    demo.load(io.StringIO())
    first = Client().post("/admin/login/", {"username": "teamlead", "password": PASSWORD,
                                            "otp_token": demo.DEMO_RECOVERY_CODES[0]})
    assert first.status_code == 302
    again = Client().post("/admin/login/", {"username": "teamlead", "password": PASSWORD,
                                            "otp_token": demo.DEMO_RECOVERY_CODES[0]})
    assert again.status_code == 200


def test_totp_code_names_a_missing_user(db):
    with pytest.raises(CommandError, match="No user"):
        call_command("totp_code", "nobody")
