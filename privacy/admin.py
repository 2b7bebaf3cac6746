"""The data-protection screens of the admin: exports, erasure requests, legal holds, retention
rules, pseudonymisations and the access log; and the claim screen's data-protection section
(``ClaimPrivacyMixin``, composed into the claim screen by ``claims.admin``)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from claims.exceptions import ClaimsError
from claims.models import ClaimDocument
from config.audit import audit_record

from . import roles
from .models import (
    AccessLogEntry,
    DataExport,
    ErasureRequest,
    LegalHold,
    Pseudonymisation,
    RetentionRule,
    SubjectKind,
)
from .selectors import claim_retention, with_retention_start
from .services import (
    access_record,
    data_export_download,
    data_export_request,
    erasure_request_answer,
    erasure_request_record,
    legal_hold_place,
    legal_hold_release,
)


def _adopt(obj, saved) -> None:
    """The admin's unsaved form instance becomes the row the service wrote."""
    obj.pk = saved.pk
    obj._state.adding = False
    obj.refresh_from_db()


class ThroughServices:
    """No transaction around the whole request: each service runs its own durable one; a
    service's refusal becomes a message and nothing is saved."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


class PrivacyAdminOnly(ThroughServices):
    """Only data-protection administrators see and use these screens."""

    def has_module_permission(self, request):
        return roles.is_privacy_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_privacy_admin(request.user)

    def has_add_permission(self, request):
        return roles.is_privacy_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- the claim screen's section ----------------------------------------------------------------


class ClaimPrivacyMixin:
    """Adds retention, legal hold and the access log to the claim screen, and logs every view of
    a claim and every document download (one INSERT each)."""

    def get_queryset(self, request):
        """The claim page reads the claim with what its retention needs (its pseudonymisation
        and when it entered its final state): no query of its own for them."""
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "claims_claim_change":
            queryset = with_retention_start(queryset.select_related("pseudonymisation"))
        return queryset

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is not None:
            fieldsets.append((_("Data protection"), {"fields": ["privacy_overview"]}))
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "privacy_overview"] if obj is not None else fields

    @admin.display(description=_("retention and access"))
    def privacy_overview(self, claim):
        retention = claim_retention(claim)
        today = timezone.localdate()
        if retention.pseudonymised:
            status = format_html("<strong>{}</strong> {}", _("Pseudonymised"),
                                 f"{claim.pseudonymisation.done_at:%d.%m.%Y}")
        elif retention.kept_until is None:
            status = _("Open claim: kept while it is handled.")
        else:
            status = format_html("{} <strong>{}</strong> ({})", _("Kept until"),
                                 f"{retention.kept_until:%d.%m.%Y}", retention.rule.legal_basis)
        if retention.hold is not None:
            hold = format_html(
                '<strong class="claim-overdue">{}</strong> {}: {} (<a href="{}">{}</a>)',
                _("Legal hold"), f"{retention.hold.placed_at:%d.%m.%Y}", retention.hold.reason,
                reverse("admin:privacy_legalhold_change", args=[retention.hold.pk]),
                _("release"))
        elif not retention.pseudonymised:
            hold = format_html('{} (<a href="{}?claim={}">{}</a>)', _("No legal hold"),
                               reverse("admin:privacy_legalhold_add"), claim.pk,
                               _("place a legal hold"))
        else:
            hold = ""
        log = format_html('<a href="{}?claim__id__exact={}">{}</a>',
                          reverse("admin:privacy_accesslogentry_changelist"), claim.pk,
                          _("Who viewed this claim (access log)"))
        due = _(" Due for pseudonymisation.") if retention.due(today) else ""
        return format_html("<p>{}{}</p><p>{}</p><p>{}</p>", status, due, hold, log)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            claim = self.get_object(request, object_id)
            if claim is not None and self.has_view_permission(request, claim):
                access_record(user=request.user, what=AccessLogEntry.What.CLAIM,
                              channel=AccessLogEntry.Channel.ADMIN, claim=claim)
        return super().change_view(request, object_id, form_url, extra_context)

    def document_download(self, request, object_id, document_id):
        document = ClaimDocument.objects.select_related("claim__policy__policyholder").filter(
            pk=document_id, claim_id=object_id).first()
        if document is not None and not document.file:
            raise Http404(_("The document was deleted at the end of its retention period."))
        response = super().document_download(request, object_id, document_id)
        access_record(user=request.user, what=AccessLogEntry.What.DOCUMENT,
                      channel=AccessLogEntry.Channel.ADMIN, document=document)
        return response


# --- retention rules ---------------------------------------------------------------------------


@admin.register(RetentionRule)
class RetentionRuleAdmin(admin.ModelAdmin):
    list_display = ["applies_to", "years", "legal_basis"]
    fields = ["applies_to", "years", "legal_basis"]
    readonly_fields = ["applies_to"]

    def has_module_permission(self, request):
        return roles.is_privacy_admin(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.is_privacy_admin(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.is_privacy_admin(request.user)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        before = RetentionRule.objects.get(pk=obj.pk)
        super().save_model(request, obj, form, change)
        audit_record(actor=request.user, action="privacy.retention_rule_changed", obj=obj,
                     from_value=before.years, to_value=obj.years,
                     payload={"legal_basis": obj.legal_basis})


# --- legal holds -------------------------------------------------------------------------------


class LegalHoldForm(forms.ModelForm):
    release_reason = forms.CharField(
        label=_("Release: why the hold ends"), required=False, widget=forms.Textarea(
            attrs={"rows": 2}), help_text=_("Fill in to release the hold (e.g. the judgment)."))

    class Meta:
        model = LegalHold
        fields = ["claim", "reason"]


@admin.register(LegalHold)
class LegalHoldAdmin(ThroughServices, admin.ModelAdmin):
    form = LegalHoldForm
    list_display = ["claim", "reason", "placed_by", "placed_at", "active", "released_at"]
    list_filter = [("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["claim__number", "reason"]
    raw_id_fields = ["claim"]
    list_select_related = ["claim", "placed_by"]

    @admin.display(boolean=True, description=_("active"))
    def active(self, hold):
        return hold.is_active

    def has_module_permission(self, request):
        return roles.may_hold(request.user)

    def has_view_permission(self, request, obj=None):
        return roles.may_hold(request.user)

    def has_add_permission(self, request):
        return roles.may_hold(request.user)

    def has_change_permission(self, request, obj=None):
        return roles.may_hold(request.user) and (obj is None or obj.is_active)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["claim", "reason"]
        return ["claim", "reason", "placed_by", "placed_at", "released_by", "released_at",
                "release_reason"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = ["claim", "reason", "placed_by", "placed_at", "released_by", "released_at"]
        return fields if obj.is_active else [*fields, "release_reason"]

    def get_changeform_initial_data(self, request):
        return {"claim": request.GET.get("claim")}

    def save_model(self, request, obj, form, change):
        if not change:
            saved = legal_hold_place(claim=form.cleaned_data["claim"],
                                     reason=form.cleaned_data["reason"], by=request.user)
        elif form.cleaned_data.get("release_reason"):
            saved = legal_hold_release(hold=obj, reason=form.cleaned_data["release_reason"],
                                       by=request.user)
        else:
            return
        _adopt(obj, saved)


# --- subject requests: exports and erasure -----------------------------------------------------


class SubjectForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        kind = data.get("subject_kind")
        needed = {SubjectKind.POLICYHOLDER: "policyholder", SubjectKind.CLAIMANT: "claimant_email",
                  SubjectKind.VENDOR_CONTACT: "vendor_organisation"}.get(kind)
        if needed and not data.get(needed):
            self.add_error(needed, _("Needed for this kind of person."))
        for other in {"policyholder", "claimant_email", "vendor_organisation"} - {needed}:
            data[other] = "" if other == "claimant_email" else None
        return data


class ExportForm(SubjectForm):
    class Meta:
        model = DataExport
        fields = ["subject_kind", "policyholder", "claimant_email", "vendor_organisation"]


class ErasureForm(SubjectForm):
    class Meta:
        model = ErasureRequest
        fields = ["subject_kind", "policyholder", "claimant_email", "vendor_organisation", "note"]


def _subject(data) -> dict:
    return {"subject_kind": data["subject_kind"], "policyholder": data.get("policyholder"),
            "claimant_email": data.get("claimant_email") or "",
            "vendor_organisation": data.get("vendor_organisation")}


@admin.register(DataExport)
class DataExportAdmin(PrivacyAdminOnly, admin.ModelAdmin):
    form = ExportForm
    list_display = ["pk", "subject_kind", "subject", "status", "progress_bar", "requested_by",
                    "requested_at", "expires_at", "download"]
    list_filter = ["status", "subject_kind"]
    search_fields = ["policyholder__company_name", "claimant_email", "vendor_organisation__name"]
    list_select_related = ["policyholder", "vendor_organisation", "requested_by"]
    raw_id_fields = ["policyholder"]
    readonly_fields = ["subject_kind", "subject", "status", "progress_bar", "step",
                       "requested_by", "requested_at", "finished_at", "expires_at", "size",
                       "sha256", "contents", "error", "download"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["subject_kind", "policyholder", "claimant_email", "vendor_organisation"]
        return self.readonly_fields

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    @admin.display(description=_("person"))
    def subject(self, export):
        return export.subject_label

    @admin.display(description=_("progress"))
    def progress_bar(self, export):
        return format_html('<progress max="100" value="{}">{} %</progress> {} %',
                           export.progress, export.progress, export.progress)

    @admin.display(description=_("download"))
    def download(self, export):
        if export.status != DataExport.Status.READY:
            return "-"
        return format_html('<a href="{}">{}</a>', reverse("admin:privacy_dataexport_download",
                                                         args=[export.pk]), _("Download ZIP"))

    def get_urls(self):
        return [path("<int:pk>/download/", self.admin_site.admin_view(self.download_view),
                     name="privacy_dataexport_download"), *super().get_urls()]

    def download_view(self, request, pk):
        if not roles.is_privacy_admin(request.user):
            raise PermissionDenied
        export = get_object_or_404(DataExport, pk=pk)
        try:
            handle = data_export_download(export=export, by=request.user,
                                          channel=AccessLogEntry.Channel.ADMIN)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:privacy_dataexport_change", args=[pk]))
        return FileResponse(handle, as_attachment=True, filename=f"data-export-{export.pk}.zip",
                            content_type="application/zip")

    def save_model(self, request, obj, form, change):
        created = data_export_request(by=request.user, **_subject(form.cleaned_data))
        _adopt(obj, created)


@admin.register(ErasureRequest)
class ErasureRequestAdmin(PrivacyAdminOnly, admin.ModelAdmin):
    form = ErasureForm
    list_display = ["pk", "subject_kind", "subject", "status", "received_at", "due_by",
                    "answered_at"]
    list_filter = ["status", "subject_kind"]
    search_fields = ["policyholder__company_name", "claimant_email", "vendor_organisation__name"]
    list_select_related = ["policyholder", "vendor_organisation"]
    raw_id_fields = ["policyholder"]
    shown = ["subject_kind", "subject", "note", "status", "requested_by", "received_at",
             "due_by", "answered_at", "answer"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["subject_kind", "policyholder", "claimant_email", "vendor_organisation",
                    "note"]
        return self.shown

    def get_readonly_fields(self, request, obj=None):
        return self.shown if obj is not None else []

    @admin.display(description=_("person"))
    def subject(self, request_row):
        return request_row.subject_label

    @admin.display(description=_("answer"))
    def answer(self, request_row):
        erased = format_html_join("", "<li>{}: {}</li>", (
            (row["what"], row.get("detail", "")) for row in request_row.erased))
        kept = format_html_join("", "<li>{}: {}</li>", (
            (row["what"], row["why"]) for row in request_row.kept))
        return format_html("<h4>{}</h4><ul>{}</ul><h4>{}</h4><ul>{}</ul>", _("Erased"),
                           erased or "-", _("Kept, and why"), kept or "-")

    def save_model(self, request, obj, form, change):
        recorded = erasure_request_record(by=request.user, note=form.cleaned_data.get("note", ""),
                                          **_subject(form.cleaned_data))
        answered = erasure_request_answer(request=recorded, by=request.user)
        _adopt(obj, answered)


@admin.register(Pseudonymisation)
class PseudonymisationAdmin(PrivacyAdminOnly, admin.ModelAdmin):
    list_display = ["done_at", "claim", "policyholder", "rule", "retention_ended_on", "done_by"]
    list_select_related = ["claim", "policyholder", "rule", "done_by"]
    search_fields = ["claim__number"]

    def has_add_permission(self, request):
        return False


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(PrivacyAdminOnly, admin.ModelAdmin):
    """Who viewed which claim or document: filter by claim (from the claim screen), by person
    (policyholder), by user, by what and where."""

    list_display = ["at", "user", "what", "channel", "claim", "document", "policyholder"]
    list_filter = ["what", "channel", ("policyholder", admin.RelatedOnlyFieldListFilter),
                   ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["claim__number", "user__username", "policyholder__company_name",
                     "claim__claimant_email"]
    list_select_related = ["user", "claim", "document", "policyholder"]
    date_hierarchy = "at"
    list_per_page = 100

    def has_add_permission(self, request):
        return False
