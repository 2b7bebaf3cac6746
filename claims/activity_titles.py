"""The seeded activity templates' titles (migration 0002), for the translation catalogue: the
claim page shows an activity's title in the reader's language."""

from django.utils.translation import gettext_noop

ACTIVITY_TITLES = [
    gettext_noop("First contact with the policyholder"),
    gettext_noop("Liability and coverage decision"),
    gettext_noop("Review vendor progress"),
    gettext_noop("Prepare settlement"),
    gettext_noop("Review the defence against the third party's claim"),
    gettext_noop("Close the file after the denial"),
    gettext_noop("Execute the payment"),
    gettext_noop("Close the file"),
    gettext_noop("Review the reopened claim"),
]
