from django.apps import AppConfig


class VendorsConfig(AppConfig):
    """Vendors commissioned on claims (data recovery, forensics, lawyers, PR, ...): their
    organisations, users and jobs, with the vendor API and portal."""

    name = "claims.vendors"
    label = "vendors"
    verbose_name = "Vendors"
    default_auto_field = "django.db.models.BigAutoField"

