"""Suggestions (confirm or reject from a list), vendors' daily capacity, and the claim list's
"link to a cyber event" action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.exceptions import ClaimsError

from .. import services
from ..models import EventSuggestion, VendorDailyCapacity
from .claim_list import ClaimListEventsMixin
from .forms import LinkToEventForm


class AdjustersOnly:
    def has_module_permission(self, request):
        return roles.is_adjuster(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return roles.is_adjuster(request.user) or super().has_view_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EventSuggestion)
class EventSuggestionAdmin(AdjustersOnly, admin.ModelAdmin):
    list_display = ["claim_link", "event", "reason_list", "status", "created_at", "decided_by"]
    list_filter = ["status", "event"]
    search_fields = ["claim__number", "event__name"]
    list_select_related = ["claim", "event", "decided_by"]
    actions = ["confirm", "reject"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_adjuster_permission(self, request):
        return roles.is_adjuster(request.user)

    @admin.display(description=_("claim"))
    def claim_link(self, suggestion):
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:claims_claim_change", args=[suggestion.claim_id]),
                           suggestion.claim.number)

    @admin.display(description=_("why"))
    def reason_list(self, suggestion):
        return "; ".join(suggestion.reasons)

    def _each(self, request, queryset, call, done):
        succeeded = 0
        for suggestion in queryset.order_by("pk"):
            try:
                call(suggestion)
            except ClaimsError as error:
                self.message_user(request, f"{suggestion.claim}: {error.message}", messages.ERROR)
            else:
                succeeded += 1
        if succeeded:
            self.message_user(request, gettext("%(count)s %(done)s.") % {
                "count": succeeded, "done": done}, messages.SUCCESS)

    @admin.action(description=_("Confirm: part of the event"), permissions=["adjuster"])
    def confirm(self, request, queryset):
        self._each(request, queryset, lambda s: services.suggestion_confirm(
            suggestion=s, by=request.user), _("suggestions confirmed"))

    @admin.action(description=_("Reject: not part of the event"), permissions=["adjuster"])
    def reject(self, request, queryset):
        self._each(request, queryset, lambda s: services.suggestion_reject(
            suggestion=s, by=request.user, reason="Rejected in the suggestion list."),
            _("suggestions rejected"))


@admin.register(VendorDailyCapacity)
class VendorDailyCapacityAdmin(AdjustersOnly, admin.ModelAdmin):
    list_display = ["organisation", "jobs_per_day", "updated_at"]
    search_fields = ["organisation__name"]
    autocomplete_fields = []
    raw_id_fields = ["organisation"]

    def has_add_permission(self, request):
        return roles.is_adjuster(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_adjuster(request.user)

    def save_model(self, request, obj, form, change):
        saved = services.vendor_capacity_set(organisation=obj.organisation,
                                             jobs_per_day=obj.jobs_per_day, by=request.user)
        obj.pk = saved.pk
        obj._state.adding = False


class ClaimEventsMixin(ClaimListEventsMixin):
    """Adds "Link to a cyber event" to the claim list's actions, and the "Event" column and
    filter."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        if roles.is_adjuster(request.user):
            function = type(self).link_to_event
            actions["link_to_event"] = (function, "link_to_event",
                                        _("Link to a cyber event"))
        return actions

    def link_to_event(self, request, queryset):
        claims = list(queryset.order_by("pk"))
        form = LinkToEventForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            event = form.cleaned_data["event"]
            try:
                linked, skipped = services.event_claims_link(event=event, claims=claims,
                                                             by=request.user)
            except ClaimsError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(request, gettext("%(linked)s claims linked to %(event)s") % {
                                               "linked": len(linked), "event": event}
                                  + (gettext(", %(skipped)s were linked already.") % {
                                         "skipped": len(skipped)} if skipped
                                     else "."), messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/events/link_claims.html", {
            **self.admin_site.each_context(request),
            "title": _("Link claims to a cyber event"),
            "opts": self.model._meta, "claims": claims, "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })
