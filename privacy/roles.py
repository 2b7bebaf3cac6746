"""Who may handle data-subject requests: administrators (superusers) and staff given the
permission ``privacy.handle_personal_data`` (the data-protection officer)."""

from __future__ import annotations

from claims import roles

PERMISSION = "privacy.handle_personal_data"


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_privacy_admin(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm(PERMISSION))


def may_hold(user) -> bool:
    """Legal holds: the claims department (adjusters) and the privacy administrators."""
    return roles.is_adjuster(user) or is_privacy_admin(user)


def is_policyholder(user) -> bool:
    return _active(user) and getattr(user, "policyholder", None) is not None


def is_vendor(user) -> bool:
    return _active(user) and getattr(user, "vendor_membership", None) is not None
