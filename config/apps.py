from django.apps import AppConfig


class ConfigAppConfig(AppConfig):
    """Project infrastructure: the task outbox, health check and demo-data command."""

    name = "config"
    label = "infra"
    verbose_name = "Infrastructure"
    default_auto_field = "django.db.models.BigAutoField"
