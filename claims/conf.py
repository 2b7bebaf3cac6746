"""Tunables of the claims process, overridable in the settings (``CLAIMS_<NAME>``)."""

from __future__ import annotations

from django.conf import settings


def _get(name: str, default):
    return getattr(settings, f"CLAIMS_{name}", default)


def it_security_proof_days() -> int:
    """Days the policyholder has to send the proof for the IT-security discount."""
    return _get("IT_SECURITY_PROOF_DAYS", 14)


def duplicate_window_days() -> int:
    """Claims of one policy with loss dates this close may be duplicates."""
    return _get("DUPLICATE_WINDOW_DAYS", 3)


def duplicate_min_similarity() -> float:
    """Descriptions at least this similar (difflib ratio, 0..1) flag a possible duplicate."""
    return _get("DUPLICATE_MIN_SIMILARITY", 0.6)


def duplicate_max_candidates() -> int:
    """How many of the policy's most recent claims (in the loss-date window) a report is compared
    with."""
    return _get("DUPLICATE_MAX_CANDIDATES", 50)
