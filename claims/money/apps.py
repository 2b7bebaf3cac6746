from django.apps import AppConfig


class MoneyConfig(AppConfig):
    """Cost lines, reserves, settlements, the ledger of commitments and payments."""

    name = "claims.money"
    label = "money"
    verbose_name = "Claims money"
    default_auto_field = "django.db.models.BigAutoField"


    def ready(self):
        from claims.services.transition_rules import TransitionRule, transition_rule_register

        from .financials import reserves_on_transition

        transition_rule_register(TransitionRule(name="money", apply=reserves_on_transition))
