"""Admin screens around the claim: activities across claims, information requests, series,
adjusters' profiles and the data the process runs on (activity templates, holidays)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims import roles
from claims.admin.display import claim_link
from claims.admin.filters import ActivityStatusFilter
from claims.exceptions import ClaimsError
from claims.models import (
    Activity,
    ActivityTemplate,
    AdjusterProfile,
    ClaimSeries,
    Holiday,
    InformationRequest,
)
from claims.services import activity_complete, information_request_answer
from claims.services.adjusters import adjuster_profile_set


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Activity)
class ActivityAdmin(ReadOnlyAdmin):
    """The overdue-activities queue across all claims."""

    list_display = ["title", "claim_number", "due_at", "is_overdue", "completed_at",
                    "escalated_at", "escalated_to"]
    list_filter = [ActivityStatusFilter, "opened_in_state"]
    search_fields = ["title", "claim__number"]
    ordering = ["due_at"]
    list_select_related = ["claim", "escalated_to"]
    actions = ["mark_done"]

    @admin.display(description=_("claim"), ordering="claim__number")
    def claim_number(self, activity):
        return claim_link(activity.claim)

    @admin.display(description=_("overdue"), boolean=True)
    def is_overdue(self, activity):
        return activity.completed_at is None and activity.due_at < timezone.now()

    def has_adjuster_permission(self, request):
        return roles.is_adjuster(request.user)

    @admin.action(description=_("Mark as done"), permissions=["adjuster"])
    def mark_done(self, request, queryset):
        for activity in queryset:
            try:
                activity_complete(activity=activity, by=request.user)
            except ClaimsError as error:
                self.message_user(request, f"{activity}: {error.message}", messages.ERROR)


class AnswerForm(forms.ModelForm):
    answer = forms.CharField(widget=forms.Textarea, required=True,
                             help_text="The policyholder's answer (e.g. given on the phone).")

    class Meta:
        model = InformationRequest
        fields = ["answer"]


@admin.register(InformationRequest)
class InformationRequestAdmin(admin.ModelAdmin):
    list_display = ["claim_number", "kind", "due_date", "status", "requested_by", "closed_at"]
    list_filter = ["status", "kind"]
    search_fields = ["claim__number", "question"]
    readonly_fields = ["claim", "kind", "question", "due_date", "status", "requested_by",
                       "requested_at", "closed_by", "closed_at"]
    form = AnswerForm

    @admin.display(description=_("claim"), ordering="claim__number")
    def claim_number(self, request_):
        return claim_link(request_.claim)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != InformationRequest.Status.OPEN:
            return [*self.readonly_fields, "answer"]
        return self.readonly_fields

    def has_add_permission(self, request):
        return False  # asked on the claim page

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        try:
            information_request_answer(request=obj, answer=form.cleaned_data["answer"],
                                       answered_by=request.user)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
        obj.refresh_from_db()

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._changeform_view(request, object_id, form_url, extra_context)


@admin.register(ClaimSeries)
class ClaimSeriesAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "created_by", "created_at", "claim_numbers"]

    @admin.display(description=_("claims"))
    def claim_numbers(self, series):
        return ", ".join(series.claims.values_list("number", flat=True))


class AdjusterProfileForm(forms.ModelForm):
    class Meta:
        model = AdjusterProfile
        fields = ["user", "team_lead", "approval_limit"]

    def clean(self):
        data = super().clean()
        user = data.get("user") or getattr(self.instance, "user", None)
        if user is not None and not roles.is_adjuster(user):
            self.add_error("user" if "user" in self.fields else None,
                           gettext("The user is not in the group adjusters."))
        lead = data.get("team_lead")
        if lead is not None and not roles.is_team_lead(lead):
            self.add_error("team_lead", gettext("The team lead must be in the group team_leads."))
        return data


@admin.register(AdjusterProfile)
class AdjusterProfileAdmin(admin.ModelAdmin):
    form = AdjusterProfileForm
    list_display = ["user", "team_lead", "approval_limit"]
    search_fields = ["user__username", "user__last_name"]

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        # Administrators only, and never their own limit (segregation of duties).
        return request.user.is_superuser and (obj is None or obj.user_id != request.user.pk)

    def get_readonly_fields(self, request, obj=None):
        return ["user"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = adjuster_profile_set(user=obj.user, team_lead=obj.team_lead,
                                     approval_limit=obj.approval_limit, by=request.user)
        obj.pk = saved.pk
        obj._state.adding = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(ActivityTemplate)
class ActivityTemplateAdmin(admin.ModelAdmin):
    list_display = ["state", "title", "business_days", "emergency_hours", "active"]
    list_filter = ["state", "active"]


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name"]
    date_hierarchy = "date"
