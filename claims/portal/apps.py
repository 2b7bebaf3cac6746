from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The policyholder portal (no models)."""

    name = "claims.portal"
    label = "portal"
    verbose_name = "Policyholder portal"

