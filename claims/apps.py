from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    """Claims, their workflow, vendors' jobs, settlements and payments."""

    name = "claims"
    verbose_name = "Claims"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from claims import signals  # noqa: F401 - keeps the cached group names true
