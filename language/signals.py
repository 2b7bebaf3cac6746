"""At sign-in the user's stored language becomes the session's language."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from language.models import LanguagePreference
from language.services import SESSION_KEY


@receiver(user_logged_in, dispatch_uid="language_on_login")
def language_on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    language = (LanguagePreference.objects.filter(user=user)
                .values_list("language", flat=True).first())
    if language:
        request.session[SESSION_KEY] = language
