"""The admin action "Export all personal data" on the policyholder list: one export per selected
policyholder, built in the background; the exports page shows the progress and the links."""

from __future__ import annotations

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.exceptions import ClaimsError

from . import roles
from .models import SubjectKind
from .services import data_export_request


class PersonalDataActions:
    """Mixed into the policyholders' ModelAdmin."""

    actions = ["export_personal_data"]

    def has_personal_data_permission(self, request) -> bool:
        return roles.is_privacy_admin(request.user)

    @admin.action(description=gettext_lazy("Export all personal data (GDPR, ZIP)"),
                  permissions=["personal_data"])
    def export_personal_data(self, request, queryset):
        count = 0
        for holder in queryset.order_by("pk"):
            try:
                data_export_request(by=request.user, subject_kind=SubjectKind.POLICYHOLDER,
                                    policyholder=holder)
            except ClaimsError as error:
                self.message_user(request, f"{holder}: {error.message}", messages.ERROR)
                continue
            count += 1
        self.message_user(request, _("%(count)d export(s) requested; they are built in the "
                                     "background.") % {"count": count}, messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:privacy_dataexport_changelist"))
