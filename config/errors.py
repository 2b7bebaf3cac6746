"""``handler500``: when the database is unreachable, the answer is 503 "try again in a moment"
with ``Retry-After``, in the API's JSON error shape under /api/ and as a friendly page elsewhere;
any other unexpected error keeps the 500 page.

Django turns an exception raised anywhere in the middleware or the view into this handler's
response (DRF hands back what its exception handler does not answer), so a database that is down
while the session, the user or the view is loaded answers the same way."""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _

RETRY_AFTER_SECONDS = 5
UNAVAILABLE = (OperationalError, InterfaceError)


def database_unavailable(error: BaseException | None) -> bool:
    """Is ``error`` (or what caused it) a lost or refused database connection?"""
    while error is not None:
        if isinstance(error, UNAVAILABLE):
            return True
        if isinstance(error, DatabaseError) and "connection" in str(error).lower():
            return True
        error = error.__cause__ or error.__context__
    return False


def unavailable_response(request) -> HttpResponse:
    message = _("The service is briefly unavailable; please try again in a moment.")
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "service_unavailable", "message": message, "fields": {}}},
            status=503,
        )
    else:
        # Rendered without the request: the context processors would ask the database.
        response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request):
    if database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "server_error", "message": _("Something went wrong on our side."),
                       "fields": {}}},
            status=500,
        )
    return HttpResponse(loader.get_template("500.html").render({}), status=500)
