from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-in for every door: normalised usernames, login limits (django-axes), expiring API
    tokens (django-rest-knox), staff two-factor authentication (django-otp) and who may change
    whose roles."""

    name = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.contrib import admin

        from . import schema, signals  # noqa: F401
        from .admin_site import StaffAdminSite

        # The admin lets staff in only with a verified second factor (TOTP or recovery code).
        admin.site.__class__ = StaffAdminSite
