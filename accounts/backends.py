"""The authentication backend: the model backend, looking the user up by the normalised name."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from .usernames import users_named


class NormalisedUsernameBackend(ModelBackend):
    """Django's ``ModelBackend``, but ``Mehmet.Yilmaz`` or ``ｍehmet.yilmaz`` (fullwidth) sign in
    as ``mehmet.yilmaz``. Comes after ``axes.backends.AxesStandaloneBackend``, so a locked-out
    name never reaches the password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if not isinstance(username, str) or not isinstance(password, str):
            return None
        users = users_named(username)
        if len(users) != 1:
            # Run the hasher once anyway, so timing does not tell which names exist.
            get_user_model()().set_password(password)
            return None
        user = users[0]
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' gate, first in ``AUTHENTICATION_BACKENDS``. Every door of the site passes the
    request; a call without one (``Client.login`` in tests, a shell) has no address or door to
    limit and is left to the password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
