"""What a locked-out sign-in gets (``AXES_LOCKOUT_CALLABLE``): the API's error body on /api/, a
page with the reason everywhere else; HTTP 429 either way."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def blocked_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return _("Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.") % {
        "minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    message = blocked_message()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "throttled", "message": message, "fields": {}}}, status=429
        )
    return render(request, "accounts/locked_out.html", {"message": message}, status=429)
