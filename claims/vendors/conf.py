"""Tunables of the vendor workflow, overridable in the settings (``VENDOR_<NAME>``): data, not
constants in code."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings


def invoice_tolerance() -> Decimal:
    """How far (a fraction: 0.10 = 10 %) an invoice may exceed the approved estimate before the
    adjuster must approve it explicitly with a reason."""
    return Decimal(str(getattr(settings, "VENDOR_INVOICE_TOLERANCE", "0.10")))


def emergency_accept_window() -> timedelta:
    """How long a vendor has to accept an emergency job before it is offered to the next one."""
    return timedelta(minutes=int(getattr(settings, "VENDOR_EMERGENCY_ACCEPT_MINUTES", 60)))


def emergency_service_code() -> str:
    """The service proposed at once for an emergency claim."""
    return getattr(settings, "VENDOR_EMERGENCY_SERVICE", "forensics")
