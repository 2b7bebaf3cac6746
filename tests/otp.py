"""Signing staff in as they really do: name, password and a second factor through the admin's
login form (django-otp verifies it). Tests of staff pages and staff sessions use these, so
two-factor authentication stays on in every test."""

from __future__ import annotations

import secrets

from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from tests.factories import PASSWORD

# A fixed TOTP secret (hex) for test staff, so a browser test can compute the current code.
TEST_TOTP_KEY = "3132333435363738393031323334353637383930"


def totp_device(user) -> TOTPDevice:
    """The user's authenticator, enrolled with ``TEST_TOTP_KEY`` if they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="test authenticator",
                                               key=TEST_TOTP_KEY, confirmed=True)


def current_code(device: TOTPDevice) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"


def recovery_code(user) -> str:
    """A fresh one-time recovery code of ``user`` (each login uses one up)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="test recovery codes")
    code = secrets.token_hex(4)
    StaticToken.objects.create(device=device, token=code)
    return code


def staff_login(client, user, *, password: str = PASSWORD) -> None:
    """Sign ``user`` in through /admin/login/ with the password and a second factor; fails the
    test if the admin does not accept it."""
    totp_device(user)
    response = client.post("/admin/login/", {
        "username": user.get_username(), "password": password,
        "otp_token": recovery_code(user), "next": "/admin/",
    })
    assert response.status_code == 302, (
        f"staff sign-in of {user} refused: {response.content.decode()[:2000]}")
    session_key = client.cookies.get("sessionid")
    assert session_key is not None


def api_token(user) -> str:
    """An API token of ``user`` (for staff the token endpoint asks for the second factor; tests
    that are not about sign-in take a token directly)."""
    return AuthToken.objects.create(user=user)[1]
