"""Segregation of duties for who may act as whom: vendor memberships, group memberships, staff
flags and approval limits are changed by administrators only, never on their own account, and
each change leaves an audit entry (who, when, what, from, to)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from config.audit import audit_record

from .twofactor import needs_two_factor


def _require_administrator(by) -> None:
    if not (getattr(by, "is_active", False) and getattr(by, "is_superuser", False)):
        raise PermissionDenied(_("Only administrators change memberships and roles."))


class MembershipFormSet(forms.BaseInlineFormSet):
    """Vendor logins of an organisation: refuses the administrator's own account and staff or
    policyholder accounts (a vendor login is nobody else's)."""

    acting_user = None

    def clean(self):
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            user = form.cleaned_data.get("user")
            if user is None:
                continue
            if self.acting_user is not None and user.pk == self.acting_user.pk:
                form.add_error("user", _("Nobody adds themselves to a vendor organisation."))
            elif needs_two_factor(user):
                form.add_error("user", _("Staff accounts cannot be vendor logins."))
            elif hasattr(user, "policyholder"):
                form.add_error("user", _("A policyholder's login cannot be a vendor login."))


@transaction.atomic
def memberships_save(*, formset, by) -> None:
    """Save the admin's membership formset, auditing each added, moved or removed login."""
    _require_administrator(by)
    instances = formset.save(commit=False)
    for membership in formset.deleted_objects:
        if membership.user_id == by.pk:
            raise PermissionDenied(_("Nobody changes their own vendor membership."))
        audit_record(actor=by, action="vendor_membership.removed", obj=membership,
                     from_value=membership.organisation, to_value="",
                     payload={"user": membership.user.get_username()})
        membership.delete()
    for membership in instances:
        if membership.user_id == by.pk:
            raise PermissionDenied(_("Nobody changes their own vendor membership."))
        created = membership.pk is None
        membership.save()
        audit_record(actor=by, action="vendor_membership.added" if created
                     else "vendor_membership.changed", obj=membership,
                     from_value="" if created else "changed", to_value=membership.organisation,
                     payload={"user": membership.user.get_username(),
                              "organisation": membership.organisation.name})
    formset.save_m2m()


def _roles(user) -> dict:
    return {
        "groups": sorted(user.groups.values_list("name", flat=True)),
        "is_staff": user.is_staff, "is_superuser": user.is_superuser,
        "is_active": user.is_active,
        "permissions": sorted(user.user_permissions.values_list("codename", flat=True)),
    }


def user_roles_snapshot(user) -> dict | None:
    return _roles(user) if user is not None and user.pk else None


def user_roles_audit(*, user, before: dict | None, by) -> None:
    """An audit entry when the groups, staff/superuser/active flags or permissions of ``user``
    changed (``before`` from ``user_roles_snapshot``)."""
    after = _roles(user)
    if before == after:
        return
    changed = {key: {"from": (before or {}).get(key), "to": value}
               for key, value in after.items() if (before or {}).get(key) != value}
    audit_record(actor=by, action="user.roles_changed", obj=user,
                 from_value=before or "", to_value=after,
                 payload={"user": user.get_username(), "changed": changed})


def validate_not_self(*, user, by) -> None:
    if user is not None and user.pk is not None and user.pk == by.pk:
        raise ValidationError(_("Nobody changes their own groups, roles or permissions; ask "
                                "another administrator."))
