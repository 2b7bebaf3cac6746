from django.apps import AppConfig


class CoverageConfig(AppConfig):
    """The product catalogue (products, modules, loss types, cost categories, sublimits, rates)
    and the settlement arithmetic."""

    name = "coverage"
    label = "catalogue"
    verbose_name = "Coverage catalogue"
    default_auto_field = "django.db.models.BigAutoField"
