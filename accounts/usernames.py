"""One spelling per login name: ``ｍehmet.Yilmaz`` and ``mehmet.yilmaz`` are the same user, for
signing in, for the login limits and for creating users (NFKC, then case-folded)."""

from __future__ import annotations

import unicodedata

from django.contrib.auth import get_user_model
from django.db.models import F, Func
from django.db.models.functions import Lower


def normalise_username(username) -> str:
    """The form under which a login name is compared: NFKC-normalised and case-folded."""
    return unicodedata.normalize("NFKC", str(username or "")).casefold().strip()


class _NFKC(Func):
    function = "normalize"
    template = "%(function)s(%(expressions)s, NFKC)"


def lookup_key():
    """The database expression of the unique index ``accounts_username_normalised``."""
    return Lower(_NFKC(F("username")))


def users_named(username):
    """The users whose login name is ``username`` once normalised (at most one, by the unique
    index on ``lower(normalize(username, NFKC))`` and the creation check)."""
    key = unicodedata.normalize("NFKC", str(username or "")).strip().lower()
    candidates = get_user_model()._default_manager.alias(key=lookup_key()).filter(key=key)
    wanted = normalise_username(username)
    return [user for user in candidates if normalise_username(user.get_username()) == wanted]


def username_taken(username, *, exclude_pk=None) -> bool:
    """Whether another user's login name normalises to the same as ``username`` (also where only
    case-folding tells them apart, such as ß and ss)."""
    wanted = normalise_username(username)
    manager = get_user_model()._default_manager
    candidates = manager.alias(key=lookup_key()).filter(
        key__in={unicodedata.normalize("NFKC", str(username)).strip().lower(),
                 wanted})
    if exclude_pk is not None:
        candidates = candidates.exclude(pk=exclude_pk)
    if candidates.exists():
        return True
    # Case-folding differences the database's lower() does not make (ß/ss, ς/σ...).
    if wanted != unicodedata.normalize("NFKC", str(username)).strip().lower():
        others = manager.exclude(pk=exclude_pk) if exclude_pk is not None else manager.all()
        return any(normalise_username(name) == wanted
                   for name in others.values_list("username", flat=True).iterator())
    return False


def axes_username(request, credentials) -> str:
    """``AXES_USERNAME_CALLABLE``: the login limits count the normalised name, so a fullwidth or
    upper-case spelling shares the budget of the real one."""
    raw = (credentials or {}).get("username")
    if raw is None and request is not None:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        try:
            raw = data.get("username")
        except AttributeError:
            raw = None
    return normalise_username(raw)
