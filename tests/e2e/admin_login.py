"""Staff sign-in to the admin in browser tests: one function, so that a second factor (2FA) is
added in one place."""

from __future__ import annotations

from tests.factories import PASSWORD


def admin_login(page, live_server, username: str, next_path: str = "/admin/") -> None:
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    if page.locator("#id_otp_token").count():  # staff sign in with a second factor
        from django.contrib.auth.models import User

        from tests.otp import recovery_code

        page.fill("#id_otp_token", recovery_code(User.objects.get(username=username)))
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{next_path}")
