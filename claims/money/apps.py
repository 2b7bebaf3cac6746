from django.apps import AppConfig


class MoneyConfig(AppConfig):
    """Cost lines, reserves, settlements, the ledger of commitments and payments."""

    name = "claims.money"
    label = "money"
    verbose_name = "Claims money"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from config import reseed

        # After a flush: the catalogue's category flags and the authority levels come back.
        reseed.register(("money", "money.AuthorityLevel", [
            ("coverage.migrations.0004_category_flags_and_security_relevant_loss_types", "load"),
            ("coverage.migrations.0005_minimum_premium", "load"),
            ("claims.money.migrations.0004_deductible_receivables_authority_levels_ransom",
             "load"),
            ("claims.money.migrations.0005_security_proof_decisions", "grant"),
        ]))
