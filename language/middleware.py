"""After authentication: a signed-in user's chosen language (kept in the session at sign-in and by
the switcher) wins over the cookie and Accept-Language that LocaleMiddleware looked at."""

from django.db import DatabaseError
from django.utils import translation

from language.services import SESSION_KEY, SUPPORTED


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if request.path.startswith("/api/"):
            session = None  # the API answers in the request's language (Accept-Language)
        try:
            language = (session.get(SESSION_KEY)
                        if session is not None and session.session_key else None)
        except DatabaseError:  # the database is down: the view answers that (503), not us
            language = None
        if language in SUPPORTED and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
