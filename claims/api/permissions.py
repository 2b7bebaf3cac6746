"""Who may use which part of the API. A role that may not do something at all gets 403; an object
of someone else is filtered out of the queryset, so it is a 404 like an absent one."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from claims import roles


class IsAdjuster(BasePermission):
    """An active member of the adjusters group (team leads are in it too)."""

    message = gettext_lazy("Only adjusters can use this part of the API.")

    def has_permission(self, request, view) -> bool:
        return roles.is_adjuster(request.user)


class IsPolicyholder(BasePermission):
    """An active login with a policyholder record."""

    message = gettext_lazy("Only policyholders can use this part of the API.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and getattr(user, "policyholder", None) is not None)
