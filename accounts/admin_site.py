"""The admin site: django-otp's ``OTPAdminSite`` (staff get in only with a verified second
factor), with a login form that picks the device from the code itself."""

from __future__ import annotations

from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from .twofactor import device_for_code


class StaffAuthenticationForm(OTPAdminAuthenticationForm):
    """Name, password and a code: six digits from the authenticator app or a recovery code; no
    device to choose."""

    def _chosen_device(self, user):
        device = super()._chosen_device(user)
        if device is None and self.cleaned_data.get("otp_token"):
            device = device_for_code(user, self.cleaned_data["otp_token"])
        return device


class StaffAdminSite(OTPAdminSite):
    login_form = StaffAuthenticationForm
