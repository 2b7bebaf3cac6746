"""API authentication: expiring tokens (django-rest-knox, sent as ``Authorization: Token ...``)
and the browser session, which counts for staff only once the second factor was given."""

from __future__ import annotations

from rest_framework.authentication import SessionAuthentication

from .twofactor import needs_two_factor


class VerifiedSessionAuthentication(SessionAuthentication):
    """Django's session, except that a staff session without a verified second factor is not
    signed in (the admin would not let it in either)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if needs_two_factor(user) and not getattr(request._request.user, "is_verified",
                                                  lambda: False)():
            return None
        return result
