from django.apps import AppConfig


class MoneyConfig(AppConfig):
    """Cost lines, reserves, settlements, the ledger of commitments and payments."""

    name = "claims.money"
    label = "money"
    verbose_name = "Claims money"
    default_auto_field = "django.db.models.BigAutoField"

