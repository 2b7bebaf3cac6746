"""API authentication: expiring tokens (django-rest-knox, sent as ``Authorization: Token ...``)
and the browser session, which counts for staff only once the second factor was given."""

from __future__ import annotations

import binascii
from hmac import compare_digest

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox import auth as knox_auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from claims import roles
from config.statements import Prepared

from .twofactor import needs_two_factor

# The tokens a client's token may be (knox stores a short clear prefix, ``token_key``, and the
# digest): each with its user, the user's groups (every role check reads them), their
# policyholder record or vendor membership (the policyholder's and the vendor's doors read
# them), and whether the user has another token that has expired (which knox then deletes): one
# statement, compiled once per connection (``config.statements.Prepared``), where knox runs one
# query for the token and the user and another for all the user's tokens.
_TOKENS = Prepared(lambda p: get_token_model().objects.filter(
    token_key=p.text("token_key"),
).select_related("user__policyholder", "user__vendor_membership").annotate(
    group_name_list=roles.group_names_of(OuterRef("user_id")),
    other_token_expired=Exists(get_token_model().objects.filter(
        ~Q(digest=OuterRef("digest")), user=OuterRef("user_id"), expiry__lt=p.datetime("now"),
    )),
))


class TokenAuthentication(knox_auth.TokenAuthentication):
    """knox's token authentication (the same expiry, digest comparison, clean-up of expired
    tokens and auto-refresh), reading the token and its user in one prepared statement."""

    def authenticate_credentials(self, token):
        msg = _("Invalid token.")
        try:
            token = token.decode("utf-8")
        except UnicodeDecodeError as error:  # knox let this out as a 500
            raise exceptions.AuthenticationFailed(msg) from error
        token_key = token[:CONSTANTS.TOKEN_KEY_LENGTH]
        if "\x00" in token_key:  # never a stored key (and PostgreSQL's text refuses it)
            raise exceptions.AuthenticationFailed(msg)
        for auth_token in _TOKENS.all(token_key=token_key, now=timezone.now()):
            roles.remember_group_names(auth_token.user,
                                       auth_token.__dict__.pop("group_name_list"))
            if self._cleanup_token(auth_token):
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error) as error:
                raise exceptions.AuthenticationFailed(msg) from error
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(msg)

    def _cleanup_token(self, auth_token) -> bool:
        """knox's clean-up: the user's other expired tokens are deleted (read only when the
        statement found one), and an expired token itself is deleted and skipped."""
        if auth_token.__dict__.pop("other_token_expired", True):
            return super()._cleanup_token(auth_token)
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth_token")
            return True
        return False


class VerifiedSessionAuthentication(SessionAuthentication):
    """Django's session, except that a staff session without a verified second factor is not
    signed in (the admin would not let it in either)."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        user = result[0]
        if needs_two_factor(user) and not getattr(request._request.user, "is_verified",
                                                  lambda: False)():
            return None
        return result
