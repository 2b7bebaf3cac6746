"""``Cache-Control: no-store`` on every answer that may carry personal data: the portal, the
vendor portal, the API, the admin and the sign-in pages (so no shared or browser cache keeps
a claim, a policy or a token)."""

from __future__ import annotations

from django.utils.cache import add_never_cache_headers

PERSONAL_PREFIXES = ("/portal/", "/vendor/", "/api/", "/admin/", "/accounts/")


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(PERSONAL_PREFIXES):
            add_never_cache_headers(response)
        return response
