"""The admin site: django-otp's ``OTPAdminSite`` (staff get in only with a verified second
factor), with a login form that picks the device from the code itself.

Two costs of every admin page are paid once instead of on every use:

- a permission is answered once per request (``answer_permissions_once``): an admin page asks
  ``user.has_perm`` a hundred times or more, and each question went through every
  authentication backend again;
- the app list (the navigation sidebar, the start page) is built once per process for each set
  of what decides it (``StaffAdminSite.get_app_list``).
"""

from __future__ import annotations

from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from claims import roles
from claims.templatetags.admin_nav import APP_LIST_KEY
from config.kept import Kept

from .twofactor import device_for_code

_ANSWERS = "_accounts_permission_answers"
APP_LISTS_KEPT = 256  # the app lists kept per process (a few per role and language in practice)


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    """Name, password and a code: six digits from the authenticator app or a recovery code; no
    device to choose."""

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and self.cleaned_data.get("otp_token"):
            device = device_for_code(user, self.cleaned_data["otp_token"])
        return device


def answer_permissions_once(user) -> None:
    """From now on ``user.has_perm(perm)`` (no object) asks the backends once per permission:
    the answers live on this user object, that is for the request that loaded it, as the
    backends' own permission cache does (``ModelBackend``'s ``_perm_cache``)."""
    if not getattr(user, "is_authenticated", False) or getattr(user, _ANSWERS, None) is not None:
        return
    ask = user.has_perm
    answers: dict[str, bool] = {}

    def has_perm(perm, obj=None):
        if obj is not None:
            return ask(perm, obj)
        answer = answers.get(perm)
        if answer is None:
            answer = answers[perm] = ask(perm)
        return answer

    setattr(user, _ANSWERS, answers)
    user.has_perm = has_perm


def permission_key(user) -> tuple:
    """What every ``has_*_permission`` of the site's model admins decides on when no object is
    given: the user's flags, permissions and groups (``claims.roles``). Two users with the same
    key see the same app list."""
    if not getattr(user, "is_authenticated", False):
        return ("anonymous",)
    if not user.is_active:
        return ("inactive", user.is_staff)
    groups = roles.group_names(user)
    if user.is_superuser:  # every permission: no need to read them
        return ("superuser", user.is_staff, groups)
    return ("user", user.is_staff, frozenset(user.get_all_permissions()), groups)


class StaffAdminSite(OTPAdminSite):
    login_form = StaffAuthenticationForm

    def has_permission(self, request):
        answer_permissions_once(request.user)
        return super().has_permission(request)

    def get_app_list(self, request, app_label=None):
        """Django's app list, built once per process for each app label, language, URL prefix and
        permission key (``permission_key``): it is a function of these alone. Each call gets its
        own lists and dicts (a caller may change them)."""
        key = (app_label, get_language(), get_script_prefix(), get_urlconf(),
               getattr(request, "urlconf", None), permission_key(request.user))
        if app_label is None:  # the site's whole list (each page's ``available_apps``)
            request.__dict__[APP_LIST_KEY] = key
        lists = self.__dict__.setdefault("_accounts_app_lists", Kept(APP_LISTS_KEPT))
        app_list = lists.get(key, lambda: super(StaffAdminSite, self).get_app_list(
            request, app_label))
        return [{**app, "models": [dict(model) for model in app["models"]]} for app in app_list]
