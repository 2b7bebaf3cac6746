"""``Cache-Control: no-store`` on every answer that may carry personal data: the portal, the
vendor portal, the API, the admin and the sign-in pages (so no shared or browser cache keeps
a claim, a policy or a token); and django-otp's middleware with its device read compiled."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers
from django_otp.middleware import OTPMiddleware as BaseOTPMiddleware

from .twofactor import device_from_persistent_id

PERSONAL_PREFIXES = ("/portal/", "/vendor/", "/api/", "/admin/", "/accounts/")


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PERSONAL_PREFIXES):
            add_never_cache_headers(response)
        return response


class OTPMiddleware(BaseOTPMiddleware):
    """django-otp's middleware (``request.user.otp_device``, ``is_verified()``), reading a staff
    session's device by a statement compiled once per connection instead of the ORM's."""

    def _device_from_persistent_id(self, persistent_id: str):
        return device_from_persistent_id(self._normalize_persistent_id(persistent_id))
