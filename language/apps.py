from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LanguageConfig(AppConfig):
    """Languages and formats: each user's language, the switcher, the one money filter and field."""

    name = "language"
    verbose_name = _("Language")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Before the admin instantiates its ModelAdmins: every decimal field in every admin form
        # is typed through the one money field (1.400,50 / 1400,50 / 1400.50).
        from django.contrib.admin import options
        from django.db import models

        from language.forms import MoneyField

        options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.DecimalField] = {"form_class": MoneyField}
        from language import signals  # noqa: F401
        from language.model_labels import translate_model_labels

        translate_model_labels()
