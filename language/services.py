"""Reading and setting a person's language; rendering their emails in it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import translation

from config.statements import Prepared
from language.models import LanguagePreference

SESSION_KEY = "_claims_language"
SUPPORTED = {code for code, _name in settings.LANGUAGES}
# Compiled once: every email asks (config.statements).
_CHOSEN_BY_USER = Prepared(lambda p: (
    LanguagePreference.objects.filter(user_id=p.int("user_id")).order_by("pk")
    .values_list("language", flat=True)[:1]))
_CHOSEN_BY_EMAIL = Prepared(lambda p: (
    LanguagePreference.objects.filter(Q(user__email__iexact=p.text("address"))
                                      | Q(user__policyholder__email__iexact=p.text("address")))
    .order_by("pk").values_list("language", flat=True)[:1]))


def language_for_user(user) -> str:
    """The user's chosen language, else the default (German)."""
    if user is None or not getattr(user, "pk", None):
        return settings.LANGUAGE_CODE
    return _CHOSEN_BY_USER.first(user_id=user.pk) or settings.LANGUAGE_CODE


def language_for_email(address: str) -> str:
    """The language of whoever signs in with this address (German when nobody or nothing chosen)."""
    if not address:
        return settings.LANGUAGE_CODE
    return _CHOSEN_BY_EMAIL.first(address=address) or settings.LANGUAGE_CODE


def language_set(*, user, language: str) -> LanguagePreference:
    if language not in SUPPORTED:
        raise ValueError(f"unsupported language {language!r}")
    preference, _created = LanguagePreference.objects.update_or_create(
        user=user, defaults={"language": language})
    return preference


@contextmanager
def in_language_of(user=None, *, user_id: int | None = None,
                   email: str | None = None) -> Iterator[str]:
    """Render inside the block in the recipient's language (their emails, their PDFs); the user
    or only their id (``user_id``: no query for the user)."""
    user_id = user_id or getattr(user, "pk", None)
    if user_id:
        language = _CHOSEN_BY_USER.first(user_id=user_id) or settings.LANGUAGE_CODE
    else:
        language = language_for_email(email or "")
    with translation.override(language):
        yield language


def user_by_email(address: str):
    return get_user_model().objects.filter(email__iexact=address).first() if address else None
