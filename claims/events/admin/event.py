"""The adjusters' event screens: declare and change an event (through the services), its
dashboard with the chart and the XLSX export, the bulk actions, and the suggestions to confirm
or reject."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from claims import roles
from claims.exceptions import ClaimsError, ClaimValidationError

from .. import services
from ..charts import exposure_bars, timeline_chart
from ..export import dashboard_xlsx
from ..models import CyberEvent, EventSuggestion
from ..selectors import event_claims, event_dashboard, open_suggestions
from .forms import BULK_FORMS, EventForm, RejectForm

EVENT_FIELDS = EventForm.Meta.fields


@admin.register(CyberEvent)
class CyberEventAdmin(admin.ModelAdmin):
    form = EventForm
    list_display = ["name", "kind", "status", "starts_at", "ends_at", "claims_linked",
                    "suggestions_open", "dashboard_link"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "cve_id", "description"]
    filter_horizontal = ["loss_types", "vendor_panel"]
    readonly_fields = ["status", "declared_by", "declared_at", "closed_by", "closed_at",
                       "dashboard_link"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "description", "starts_at", "ends_at"]}),
        (_("What identifies it"), {"fields": ["providers", "software", "indicators", "cve_id",
                                              "loss_types"]}),
        (_("Surge intake and vendors"), {"fields": ["report_loss_type", "vendor_panel"]}),
        (_("Status"), {"fields": ["status", "declared_by", "declared_at", "closed_by",
                                  "closed_at", "dashboard_link"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(
            linked=Count("links", distinct=True),
            open_suggestions=Count("suggestions", filter=Q(suggestions__status="open"),
                                   distinct=True),
        )

    def has_module_permission(self, request):
        return roles.is_adjuster(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return roles.is_adjuster(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return roles.is_adjuster(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_adjuster(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("claims linked"), ordering="linked")
    def claims_linked(self, event):
        return event.linked

    @admin.display(description=_("suggestions open"), ordering="open_suggestions")
    def suggestions_open(self, event):
        return event.open_suggestions

    @admin.display(description=_("dashboard"))
    def dashboard_link(self, event):
        if event.pk is None:
            return "-"
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:events_cyberevent_dashboard", args=[event.pk]),
                           _("Dashboard"))

    # --- writes through the services ---------------------------------------------------------

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # No transaction around the whole request: each service runs its own durable one.
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data.get(field) for field in EVENT_FIELDS}
        data["loss_types"] = list(data["loss_types"] or [])
        data["vendor_panel"] = list(data["vendor_panel"] or [])
        if change:
            saved = services.event_update(event=obj, by=request.user, **data)
        else:
            saved = services.event_declare(by=request.user, **data)
        for field in CyberEvent._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """The services set the loss types and the panel."""

    def response_add(self, request, obj, post_url_continue=None):
        count = obj.suggestions.count()
        self.message_user(request, gettext("%(count)s claims suggested as probably part "
                                           "of %(obj)s.") % {
                                       "count": count, "obj": obj})
        return redirect("admin:events_cyberevent_dashboard", obj.pk)

    # --- the dashboard and the bulk actions --------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:pk>/dashboard/", view(self.dashboard_view),
                 name="events_cyberevent_dashboard"),
            path("<int:pk>/dashboard.xlsx", view(self.export_view),
                 name="events_cyberevent_export"),
            path("<int:pk>/bulk/", view(self.bulk_view), name="events_cyberevent_bulk"),
            path("<int:pk>/suggest/", view(require_POST(self.suggest_view)),
                 name="events_cyberevent_suggest"),
            path("<int:pk>/close/", view(require_POST(self.close_view)),
                 name="events_cyberevent_close"),
            path("<int:pk>/suggestions/<int:suggestion_pk>/<str:decision>/",
                 view(require_POST(self.decide_view)), name="events_cyberevent_decide"),
            *super().get_urls(),
        ]

    def _event(self, request, pk) -> CyberEvent:
        if not roles.is_adjuster(request.user):
            raise PermissionDenied
        return get_object_or_404(CyberEvent, pk=pk)

    def dashboard_view(self, request, pk):
        event = self._event(request, pk)
        dashboard = event_dashboard(event=event)
        return TemplateResponse(request, "admin/events/dashboard.html", {
            **self.admin_site.each_context(request),
            "title": f"{event}: {_('dashboard')}",
            "opts": self.model._meta, "event": event, "dashboard": dashboard,
            "chart": timeline_chart(dashboard.timeline),
            "bars": exposure_bars(dashboard.exposure),
            "bars_height": max(len(dashboard.exposure) * 30, 30),
            "suggestions": list(open_suggestions(event=event)[:100]),
            "reject_form": RejectForm(),
            "window": event.window(),
        })

    def export_view(self, request, pk):
        event = self._event(request, pk)
        response = HttpResponse(
            dashboard_xlsx(event_dashboard(event=event)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="event-{slugify(event.name)}.xlsx"')
        return response

    def bulk_view(self, request, pk):
        event = self._event(request, pk)
        action = request.POST.get("bulk_action") if request.method == "POST" else None
        forms = {name: form_class(request.POST if name == action else None, prefix=name)
                 for name, form_class in BULK_FORMS.items()}
        result = None
        if action in forms and forms[action].is_valid():
            data = forms[action].cleaned_data
            try:
                result = self._run_bulk(request, event, action, data)
            except ClaimValidationError as error:
                for field, problems in error.errors.items():
                    forms[action].add_error(field if field in forms[action].fields else None,
                                            problems)
            except ClaimsError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request, gettext("%(done)s claims done, %(failed)s failed.") % {
                                 "done": len(result.done), "failed": len(result.failed)},
                    messages.SUCCESS if not result.failed else messages.WARNING)
        elif action is not None and action not in forms:
            self.message_user(request, gettext("Unknown bulk action."), messages.ERROR)
        return TemplateResponse(request, "admin/events/bulk.html", {
            **self.admin_site.each_context(request),
            "title": f"{event}: {_('bulk handling')}", "opts": self.model._meta,
            "event": event, "forms": forms, "result": result,
            "claims": event_claims(event=event),
        }, status=400 if action and result is None else 200)

    def _run_bulk(self, request, event, action, data):
        by = request.user
        if action == "assign":
            return services.event_bulk_assign(event=event, by=by, mode=data["mode"],
                                              adjusters=list(data["adjusters"]))
        if action == "information_request":
            return services.event_bulk_information_request(
                event=event, by=by, question=data["question"], due_date=data["due_date"])
        if action == "commission":
            return services.event_bulk_commission(event=event, by=by, service=data["service"],
                                                  scope=data["scope"])
        return services.event_bulk_note(event=event, by=by, text=data["text"],
                                        visibility=data["visibility"])

    def suggest_view(self, request, pk):
        event = self._event(request, pk)
        made = services.event_suggest(event=event, by=request.user)
        self.message_user(request, gettext("%(made)s new suggestions.") % {"made": len(made)})
        return redirect("admin:events_cyberevent_dashboard", event.pk)

    def close_view(self, request, pk):
        event = self._event(request, pk)
        try:
            services.event_close(event=event, by=request.user)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
        else:
            self.message_user(request, gettext("%(event)s is closed.") % {"event": event})
        return redirect("admin:events_cyberevent_dashboard", event.pk)

    def decide_view(self, request, pk, suggestion_pk, decision):
        event = self._event(request, pk)
        suggestion = get_object_or_404(EventSuggestion, pk=suggestion_pk, event=event)
        try:
            if decision == "confirm":
                services.suggestion_confirm(suggestion=suggestion, by=request.user)
                self.message_user(request, gettext("%(claim)s linked to %(event)s.") % {
                                               "claim": suggestion.claim, "event": event})
            elif decision == "reject":
                form = RejectForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                services.suggestion_reject(suggestion=suggestion, by=request.user,
                                           reason=reason)
                self.message_user(request, gettext("%(claim)s is not part of %(event)s.") % {
                                               "claim": suggestion.claim, "event": event})
            else:
                self.message_user(request, gettext("Unknown decision."), messages.ERROR)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
        if request.POST.get("back") == "claim":  # decided on the claim page: back to it
            return redirect("admin:claims_claim_change", suggestion.claim_id)
        return redirect(reverse("admin:events_cyberevent_dashboard", args=[event.pk])
                        + "#suggestions")
