"""The seeded vendor services' names, for the translation catalogue (``VendorService.label``)."""

from django.utils.translation import gettext_noop

SERVICE_NAMES = [
    gettext_noop("Data recovery"),
    gettext_noop("IT forensics"),
    gettext_noop("Virus removal"),
    gettext_noop("Specialised lawyers"),
    gettext_noop("PR and crisis management"),
    gettext_noop("Credit monitoring"),
    gettext_noop("Locksmith"),
]
