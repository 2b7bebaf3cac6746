"""The users' admin: administrators only (Django's model permissions on users are given to no
group), new names checked against the normalised spellings of existing ones, and an
administrator's own groups, flags and permissions read-only to them; every change of a user's
roles or a group's permissions is audited."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.utils.translation import gettext as _

from config.audit import audit_record

from .roles_admin import user_roles_audit, user_roles_snapshot
from .usernames import username_taken

User = get_user_model()
ROLE_FIELDS = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class _NormalisedNameMixin:
    def clean_username(self):
        username = self.cleaned_data.get("username")
        if username and username_taken(username, exclude_pk=self.instance.pk):
            raise forms.ValidationError(
                _("A user with this name already exists (names are compared ignoring case and "
                  "character width)."), code="duplicate_username")
        return username


class NormalisedUserCreationForm(_NormalisedNameMixin, AdminUserCreationForm):
    pass


class NormalisedUserChangeForm(_NormalisedNameMixin, UserChangeForm):
    pass


admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = NormalisedUserCreationForm
    form = NormalisedUserChangeForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += [name for name in ROLE_FIELDS if name not in fields]
        return fields

    def save_model(self, request, obj, form, change):
        obj._roles_before = user_roles_snapshot(
            User.objects.get(pk=obj.pk) if change else None)
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        user = form.instance
        user_roles_audit(user=user, before=getattr(user, "_roles_before", None), by=request.user)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    def save_model(self, request, obj, form, change):
        obj._permissions_before = (
            sorted(Group.objects.get(pk=obj.pk).permissions.values_list("codename", flat=True))
            if change else [])
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group = form.instance
        after = sorted(group.permissions.values_list("codename", flat=True))
        before = getattr(group, "_permissions_before", [])
        if before != after:
            audit_record(actor=request.user, action="group.permissions_changed", obj=group,
                         from_value=",".join(before), to_value=",".join(after),
                         payload={"added": sorted(set(after) - set(before)),
                                  "removed": sorted(set(before) - set(after))})
