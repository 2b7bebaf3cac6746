from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission


class IsVendor(BasePermission):
    """Signed in as an active login of a vendor organisation."""

    message = gettext_lazy("Only vendor staff can use the vendor API.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active
                    and hasattr(user, "vendor_membership"))
