"""The authentication backend: the model backend, looking the user up by the normalised name."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import OuterRef

from claims import roles
from config.statements import Prepared

from .usernames import users_named

_INT32 = 2**31  # auth.User's key is a 32-bit integer

# The signed-in user of a request, read once per request: with the names of their groups (which
# every role check reads) and their policyholder record or vendor membership, if any (which the
# policyholder's and the vendor's doors read), in one statement compiled once per connection.
_SIGNED_IN_USER = Prepared(lambda p: get_user_model()._default_manager.filter(
    pk=p.int32("pk"),
).select_related("policyholder", "vendor_membership").annotate(
    group_name_list=roles.group_names_of(OuterRef("pk")),
))

# A user's permissions as ``ModelBackend._get_permissions`` reads them (their own, their groups',
# every one for a superuser), each compiled once per connection: every admin page asks.
_PERMISSION_NAMES = ("content_type__app_label", "codename")
_PERMISSIONS_OF = {
    "user": Prepared(lambda p: Permission.objects.filter(user=p.int32("pk"))
                     .values_list(*_PERMISSION_NAMES).order_by()),
    "group": Prepared(lambda p: Permission.objects.filter(
        group__in=Group.objects.filter(user=p.int32("pk"))).values_list(*_PERMISSION_NAMES)
        .order_by()),
}
_EVERY_PERMISSION = Prepared(lambda p: Permission.objects.values_list(*_PERMISSION_NAMES)
                             .order_by())


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

    def get_user(self, user_id):
        """The session's user (``ModelBackend.get_user``), with their groups, policyholder record
        and vendor membership read in the same statement."""
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        if not -_INT32 <= pk < _INT32:  # the ORM finds no such user either
            return None
        user = _SIGNED_IN_USER.first(pk=pk)
        if user is None:
            return None
        roles.remember_group_names(user, user.__dict__.pop("group_name_list"))
        return user if self.user_can_authenticate(user) else None

    def _get_permissions(self, user_obj, obj, from_name):
        """``ModelBackend._get_permissions`` (the same answers, kept on the user object for the
        request), through the statements above."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        cache_name = f"_{from_name}_perm_cache"
        if not hasattr(user_obj, cache_name):
            if user_obj.is_superuser:
                rows = _EVERY_PERMISSION.all()
            else:
                rows = _PERMISSIONS_OF[from_name].all(pk=user_obj.pk)
            setattr(user_obj, cache_name, {f"{app_label}.{codename}"
                                           for app_label, codename in rows})
        return getattr(user_obj, cache_name)


class LoginLimitBackend(AxesStandaloneBackend):
    """django-axes' gate, first in ``AUTHENTICATION_BACKENDS``. Every door of the site passes the
    request; a call without one (``Client.login`` in tests, a shell) has no address or door to
    limit and is left to the password check."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
