"""Actions on selected claims in the work queue; each calls a service per claim and reports what
failed instead of stopping at the first error."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.admin.forms import SeriesLinkForm
from claims.admin.widgets import ListSelect
from claims.exceptions import ClaimsError
from claims.services import (
    claim_assign,
    claim_coverage_check,
    claim_duplicate_resolve,
    claim_series_link,
    claim_series_unlink,
)


class ClaimActionForm(helpers.ActionForm):
    """Django's action form, its choice of action written by ``ListSelect`` (the same HTML as
    the select's templates, without rendering them for every option on every list view)."""

    action = forms.ChoiceField(label=helpers.ActionForm.base_fields["action"].label,
                               widget=ListSelect)  # Django's label, in Django's catalogue


class ClaimActionsMixin:
    action_form = ClaimActionForm
    actions = ["assign_to_me", "link_as_series", "unlink_from_series", "rerun_coverage_check",
               "confirm_duplicate", "dismiss_duplicate"]

    def has_adjuster_permission(self, request):
        return roles.is_adjuster(request.user)

    def _each(self, request, queryset, done: str, call) -> None:
        succeeded, failed = [], []
        for claim in queryset:
            try:
                call(claim)
            except ClaimsError as error:
                failed.append(f"{claim.number}: {error.message}")
            else:
                succeeded.append(claim.number)
        if succeeded:
            self.message_user(request, gettext("%(done)s: %(claims)s.") % {
                "done": done, "claims": ", ".join(succeeded)}, messages.SUCCESS)
        for failure in failed:
            self.message_user(request, failure, messages.ERROR)

    @admin.action(description=_("Assign to me"), permissions=["adjuster"])
    def assign_to_me(self, request, queryset):
        self._each(request, queryset, _("Assigned to you"),
                   lambda claim: claim_assign(claim=claim, adjuster=request.user, by=request.user))

    @admin.action(description=_("Run the coverage check again"), permissions=["adjuster"])
    def rerun_coverage_check(self, request, queryset):
        self._each(request, queryset, _("Coverage checked"),
                   lambda claim: claim_coverage_check(claim=claim, by=request.user))

    @admin.action(description=_("Confirm: duplicate of the flagged claim"),
                  permissions=["adjuster"])
    def confirm_duplicate(self, request, queryset):
        self._each(request, queryset, _("Confirmed as duplicates"),
                   lambda claim: claim_duplicate_resolve(claim=claim, is_duplicate=True,
                                                         by=request.user))

    @admin.action(description=_("Dismiss the duplicate flag"), permissions=["adjuster"])
    def dismiss_duplicate(self, request, queryset):
        self._each(request, queryset, _("Duplicate flag dismissed"),
                   lambda claim: claim_duplicate_resolve(claim=claim, is_duplicate=False,
                                                         by=request.user))

    @admin.action(description=_("Remove from their series"), permissions=["adjuster"])
    def unlink_from_series(self, request, queryset):
        self._each(request, queryset, _("Removed from their series"),
                   lambda claim: claim_series_unlink(claim=claim, by=request.user,
                                                     reason="Unlinked in the admin."))

    @admin.action(description=_("Link as one series (one cause)"), permissions=["adjuster"])
    def link_as_series(self, request, queryset):
        claims = list(queryset.order_by("pk"))
        form = SeriesLinkForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                series = claim_series_link(claims=claims, cause=form.cleaned_data["cause"],
                                           by=request.user)
            except ClaimsError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                numbers = ", ".join(claim.number for claim in claims)
                self.message_user(request, gettext("Linked %(claims)s as %(series)s.") % {
                    "claims": numbers, "series": series}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/claims/claim/link_series.html", {
            **self.admin_site.each_context(request),
            "title": _("Link claims as one series"),
            "opts": self.model._meta,
            "claims": claims,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })
