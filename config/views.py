"""The start page sends each role to its own place."""

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect


def home(request):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login("/")
    if user.is_staff:
        return redirect("/admin/")
    if hasattr(user, "policyholder"):
        return redirect("/portal/")
    if hasattr(user, "vendor_membership"):
        return redirect("/vendor/")
    return redirect("/accounts/login/")
