"""The switcher's target: Django's set_language (cookie, safe redirect), plus the signed-in user's
stored choice (their next sign-in and their emails)."""

from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from language.services import SESSION_KEY, SUPPORTED, language_set


@require_POST
def set_language(request):
    response = django_set_language(request)
    language = request.POST.get("language")
    if language in SUPPORTED:
        if request.user.is_authenticated:
            language_set(user=request.user, language=language)
        if hasattr(request, "session"):
            request.session[SESSION_KEY] = language
    return response
