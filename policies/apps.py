from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    """Policyholders, policies, coverage sections and insurance-year aggregate accounts."""

    name = "policies"
    verbose_name = "Policies"
    default_auto_field = "django.db.models.BigAutoField"
