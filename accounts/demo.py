"""Demo two-factor enrolment: every staff login of the demo gets an authenticator (TOTP) with a
known secret and known recovery codes, printed with the logins, so ``make run`` works: add the
secret to an authenticator app, or print the current code with ``manage.py totp_code USER``."""

from __future__ import annotations

import base64

from django.contrib.auth import get_user_model
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .twofactor import recovery_codes_create, totp_enrol

# Demo only: a published secret (hex), the same for every demo staff login.
DEMO_TOTP_KEY = "64656d6f2d636c61696d732d746f74702d6b6579"
DEMO_RECOVERY_CODES = ["demo-0001", "demo-0002", "demo-0003", "demo-0004", "demo-0005"]


def demo_secret_base32() -> str:
    return base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()


def load(stdout) -> list[tuple[str, str, str]]:
    staff = get_user_model().objects.filter(is_staff=True, is_active=True).order_by("username")
    for user in staff:
        if not TOTPDevice.objects.filter(user=user).exists():
            totp_enrol(user, key=DEMO_TOTP_KEY)
        if not StaticDevice.objects.filter(user=user).exists():
            recovery_codes_create(user, codes=list(DEMO_RECOVERY_CODES))
    stdout.write(
        "Staff sign in to /admin/ with a second factor. Demo authenticator secret (all staff): "
        f"{demo_secret_base32()}\n  current code: `manage.py totp_code adjuster`; one-time "
        f"recovery codes per staff login: {', '.join(DEMO_RECOVERY_CODES)}"
    )
    return []
