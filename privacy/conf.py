"""Settings of the privacy app, with their defaults."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings


def export_link_lifetime() -> timedelta:
    """How long the download link of a finished export works."""
    return timedelta(days=getattr(settings, "PRIVACY_EXPORT_LINK_DAYS", 7))


def vendor_contact_grace() -> timedelta:
    """How long after finishing a job the vendor still sees the policyholder's contact."""
    return timedelta(days=getattr(settings, "PRIVACY_VENDOR_CONTACT_GRACE_DAYS", 14))


def answer_within() -> timedelta:
    """A data-subject request is answered within a month (Art. 12(3) GDPR)."""
    return timedelta(days=30)
