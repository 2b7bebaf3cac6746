from django.apps import AppConfig


class VendorsConfig(AppConfig):
    """Vendors commissioned on claims (data recovery, forensics, lawyers, PR, ...): their
    organisations, users and jobs, with the vendor API and portal."""

    name = "claims.vendors"
    label = "vendors"
    verbose_name = "Vendors"
    default_auto_field = "django.db.models.BigAutoField"


    def ready(self):
        from claims.services.transition_rules import TransitionRule, transition_rule_register

        from .rules import claim_jobs_cancel, claim_transition_check

        transition_rule_register(TransitionRule(
            name="vendors", check=claim_transition_check, apply=claim_jobs_cancel,
        ))
