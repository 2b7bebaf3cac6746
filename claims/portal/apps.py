from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The policyholder portal (no models): connects the state-change emails on start."""

    name = "claims.portal"
    label = "portal"
    verbose_name = "Policyholder portal"

    def ready(self):
        from claims.portal import notifications

        notifications.connect()
