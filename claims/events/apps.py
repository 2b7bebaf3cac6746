from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    """Cyber events (campaigns, provider outages, flaws, faulty updates): linked claims, surge
    intake, bulk handling and the exposure across the book."""

    name = "claims.events"
    label = "events"
    verbose_name = _("Cyber events")
    default_auto_field = "django.db.models.BigAutoField"

