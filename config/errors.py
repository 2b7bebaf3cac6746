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

# The 500 page when even rendering the template fails (a broken catalogue, a template error): the
# handler must answer whatever happened. Static, in both languages.
STATIC_500 = (
    '<!doctype html>\n<html lang="de"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>Etwas ist schiefgegangen · Something went wrong</title>"
    '<link rel="stylesheet" href="/static/css/site.css"></head>\n'
    '<body><main id="content"><h1>Bei uns ist etwas schiefgegangen</h1>\n'
    "<p>Nichts von Ihren Eingaben wurde halb gespeichert. Bitte versuchen Sie es in einer Minute "
    "erneut; wenn es weiterhin auftritt, rufen Sie uns an.</p>\n"
    '<h1 lang="en">Something went wrong on our side</h1>\n'
    '<p lang="en">Nothing you entered was half-saved. Please try again in a minute; if it keeps '
    "happening, call us.</p>\n"
    '<p><a href="/">Zur Startseite · Back to the start page</a></p></main></body></html>\n'
)


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
    try:
        # Rendered without the request (the context processors would ask the database), in the
        # language the locale middleware chose for it.
        page = loader.get_template("500.html").render({})
    except Exception:  # noqa: BLE001 - the 500 handler must never fail itself
        page = STATIC_500
    return HttpResponse(page, status=500)
