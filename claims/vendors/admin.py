"""The adjusters' vendor screens: organisations and their logins, the jobs with the adjuster's
decisions as buttons (all through the services), the claim's jobs on the claim page and the
"commission a vendor" page with the ranked proposals."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin

from accounts.roles_admin import MembershipFormSet, memberships_save
from claims import roles
from claims.exceptions import ClaimsError
from claims.models import Claim
from language.money import format_amount

from . import services
from .models import (
    ADJUSTER_TRANSITIONS,
    OPEN_STATES,
    VendorJob,
    VendorMembership,
    VendorOrganisation,
    VendorProgressUpdate,
    VendorService,
)
from .selectors import vendors_propose
from .services.common import transition_label


@admin.register(VendorService)
class VendorServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "cost_category"]


class MembershipInline(admin.TabularInline):
    """Who signs in as the organisation: administrators only, never themselves (see
    ``accounts.roles_admin``); each change is audited."""

    model = VendorMembership
    extra = 1
    raw_id_fields = ["user"]
    formset = MembershipFormSet

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.acting_user = request.user
        return formset


@admin.register(VendorOrganisation)
class VendorOrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "service_list", "region_list", "available_24_7", "panel_member",
                    "active"]
    list_filter = ["services", "available_24_7", "panel_member", "nationwide", "active"]
    search_fields = ["name", "contact_name", "contact_email"]
    filter_horizontal = ["services"]
    inlines = [MembershipInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is VendorMembership:
            memberships_save(formset=formset, by=request.user)
        else:
            super().save_formset(request, form, formset, change)

    @admin.display(description=_("services"))
    def service_list(self, organisation):
        return ", ".join(service.name for service in organisation.services.all())

    @admin.display(description=_("regions"))
    def region_list(self, organisation):
        return "nationwide" if organisation.nationwide else ", ".join(organisation.regions)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("services")

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class ProgressUpdateInline(admin.TabularInline):
    model = VendorProgressUpdate
    extra = 0
    can_delete = False
    fields = ["created_at", "percent", "text", "visible_to_policyholder", "author"]
    readonly_fields = fields
    verbose_name_plural = _("progress updates (append-only)")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _document_link(document):
    if document is None:
        return "-"
    url = reverse("admin:claims_claim_document", args=[document.claim_id, document.pk])
    return format_html('<a href="{}">{}</a>', url, document.original_name)


@admin.register(VendorJob)
class VendorJobAdmin(FSMAdminMixin, admin.ModelAdmin):
    fsm_fields = ["state"]
    fsm_forms = {"approve_overrun": ReasonForm, "cancel": ReasonForm,
                 "reject_quote": ReasonForm, "reject_invoice": ReasonForm}
    fsm_transition_not_allowed_msg = _("You are not allowed to '{transition_name}' this job.")
    change_form_template = "admin/vendors/vendorjob/change_form.html"
    fsm_transition_form_template = "admin/vendors/vendorjob/transition_form.html"
    list_display = ["__str__", "claim", "organisation", "service", "state", "emergency",
                    "requested_at", "invoice_amount"]
    list_filter = ["state", "service", "emergency", "organisation"]
    search_fields = ["claim__number", "organisation__name"]
    list_select_related = ["claim", "organisation", "service"]
    inlines = [ProgressUpdateInline]
    fields = ["claim_link", "organisation", "service", "state", "emergency", "scope",
              "requested_by", "requested_at", "accept_deadline", "escalated_from", "accepted_at",
              "decline_reason", "estimate", "approved_estimate", "approved_by",
              "progress_percent", "report", "completed_at", "invoice_amount", "invoice_check",
              "invoice", "overrun_reason", "overrun_approved_by", "cost_line_ref",
              "accepted_for_payment_by", "cancel_reason", "rejection_reason"]
    readonly_fields = fields

    def get_fsm_block_label(self, fsm_field_name):
        return _("Adjuster's decision")

    @admin.display(description=_("claim"))
    def claim_link(self, job):
        url = reverse("admin:claims_claim_change", args=[job.claim_id])
        return format_html('<a href="{}">{}</a>', url, job.claim.number)

    @admin.display(description=_("final report"))
    def report(self, job):
        return _document_link(job.report_document)

    @admin.display(description=_("invoice document"))
    def invoice(self, job):
        return _document_link(job.invoice_document)

    @admin.display(description=_("invoice check"))
    def invoice_check(self, job):
        if job.invoice_amount is None:
            return "-"
        limit = job.invoice_limit
        basis = (gettext("limit %(limit)s") % {"limit": format_amount(limit)}
                 if limit is not None else gettext("no estimate"))
        if not job.invoice_over_tolerance:
            return gettext("within the tolerance (%(basis)s)") % {"basis": basis}
        if job.overrun_approved:
            return gettext("above the tolerance (%(basis)s), approved: %(reason)s") % {
                "basis": basis, "reason": job.overrun_reason}
        return format_html('<strong class="claim-overdue">{}</strong>', gettext(
            "Above the tolerance (%(basis)s): needs your approval with a reason") % {
            "basis": basis})

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # No transaction around the whole request: each service runs its own durable one.
        return self._changeform_view(request, object_id, form_url, extra_context)

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        data = dict(kwargs or {})
        label = transition_label(transition_name) if transition_name in ADJUSTER_TRANSITIONS \
            else transition_name
        calls = {
            "approve_quote": lambda: services.vendor_job_approve_quote(job=obj, by=request.user),
            "approve_overrun": lambda: services.vendor_job_approve_overrun(
                job=obj, reason=data.get("reason", ""), by=request.user),
            "accept_for_payment": lambda: services.vendor_job_accept_for_payment(
                job=obj, by=request.user),
            "reject_quote": lambda: services.vendor_job_reject_quote(
                job=obj, reason=data.get("reason", ""), by=request.user),
            "reject_invoice": lambda: services.vendor_job_reject_invoice(
                job=obj, reason=data.get("reason", ""), by=request.user),
            "cancel": lambda: services.vendor_job_cancel(job=obj, reason=data.get("reason", ""),
                                                         by=request.user),
        }
        if transition_name not in calls:
            self.message_user(request, gettext("Unknown transition %(transition_name)s.") % {
                                           "transition_name": repr(transition_name)},
                              messages.ERROR)
            return False
        try:
            calls[transition_name]()
        except ClaimsError as error:
            self.message_user(request, f"{label}: {error.message}", messages.ERROR)
            return False
        self.message_user(request, gettext("%(label)s: done. The job is now %(state)s.") % {
            "label": label, "state": obj.get_state_display().lower()}, messages.SUCCESS)
        return True

    # --- commissioning a vendor on a claim ----------------------------------------------------

    def get_urls(self):
        return [
            path("commission/<int:claim_id>/", self.admin_site.admin_view(self.commission_view),
                 name="vendors_vendorjob_commission"),
            *super().get_urls(),
        ]

    def commission_view(self, request, claim_id: int):
        if not roles.is_adjuster(request.user):
            raise PermissionDenied
        claim = get_object_or_404(Claim.objects.select_related("policy__policyholder"),
                                  pk=claim_id)
        service_form = ServiceChoiceForm(request.GET or None)
        service = service_form.cleaned_data["service"] if service_form.is_valid() else None
        proposals = vendors_propose(claim=claim, service=service) if service else []
        open_jobs = list(VendorJob.objects.filter(claim=claim, state__in=OPEN_STATES)
                         .select_related("organisation", "service").order_by("pk"))
        form = None
        if service is not None:
            form = CommissionForm(request.POST or None, proposals=proposals,
                                  open_same_service=[j for j in open_jobs
                                                     if j.service_id == service.pk])
            if request.method == "POST" and form.is_valid():
                organisation = VendorOrganisation.objects.get(pk=form.cleaned_data["organisation"])
                try:
                    job = services.vendor_job_request(
                        claim=claim, organisation=organisation, service=service,
                        scope=form.cleaned_data["scope"], by=request.user)
                except ClaimsError as error:
                    self.message_user(request, error.message, messages.ERROR)
                else:
                    self.message_user(request, gettext("%(organisation)s was asked for "
                                                       "%(service)s (job %(job)s).") % {
                        "organisation": organisation, "service": service, "job": job.pk},
                        messages.SUCCESS)
                    return redirect("admin:claims_claim_change", claim.pk)
        return TemplateResponse(request, "admin/vendors/commission.html", {
            **self.admin_site.each_context(request),
            "title": _("Commission a vendor for claim %(number)s") % {"number": claim.number},
            "opts": self.model._meta, "claim": claim, "service_form": service_form,
            "service": service, "proposals": proposals, "form": form, "open_jobs": open_jobs,
        })


class ServiceChoiceForm(forms.Form):
    service = forms.ModelChoiceField(queryset=VendorService.objects.all(),
                                     empty_label=_("Choose the service"))


class CommissionForm(forms.Form):
    organisation = forms.ChoiceField(widget=forms.RadioSelect, label="Vendor")
    scope = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="What the vendor is asked to do.")

    def __init__(self, *args, proposals, open_same_service=(), **kwargs):
        super().__init__(*args, **kwargs)
        if open_same_service:
            # A second job for a service already running is never created by accident.
            jobs = ", ".join(f"job {j.pk} ({j.organisation}, {j.get_state_display().lower()})"
                             for j in open_same_service)
            self.fields["second_job"] = forms.BooleanField(
                label=_("Yes, commission a second job although %(jobs)s is open") % {
                    "jobs": jobs},
                error_messages={"required": _("This claim already has an open job for this "
                                              "service: %(jobs)s. Confirm that a second one is "
                                              "needed, or open the existing job.") % {
                    "jobs": jobs}})
        self.fields["organisation"].choices = [
            (str(p.organisation.pk), f"{p.organisation.name} ({p.reasons})") for p in proposals
        ]
        if proposals:
            self.fields["organisation"].initial = str(proposals[0].organisation.pk)


class VendorJobInline(admin.TabularInline):
    """The claim's vendor jobs on the claim page, with the link to commission one."""

    model = VendorJob
    extra = 0
    can_delete = False
    fields = ["job_link", "service", "organisation", "state", "estimate", "approved_estimate",
              "progress_percent", "latest_progress", "invoice_amount"]
    readonly_fields = fields
    verbose_name_plural = _("vendor jobs")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def table_footer(self, request, obj):
        """Below the table on the claim page (claims/admin/readonly_tables.py)."""
        url = reverse("admin:vendors_vendorjob_commission", args=[obj.pk])
        return format_html('<p class="vendor-commission"><a class="button" href="{}">{}</a></p>',
                           url, _("New vendor job"))

    def get_queryset(self, request):
        """The jobs with what their rows show, in a fixed number of queries."""
        latest = VendorProgressUpdate.objects.filter(job=OuterRef("pk")).order_by(
            "-created_at", "-id")[:1]
        return super().get_queryset(request).select_related(
            "service", "organisation", "claim"
        ).annotate(latest_percent=Subquery(latest.values("percent")),
                   latest_text=Subquery(latest.values("text")))

    @admin.display(description=_("job"))
    def job_link(self, job):
        url = reverse("admin:vendors_vendorjob_change", args=[job.pk])
        return format_html('<a href="{}">{}</a>', url, _("Job %(job)s") % {"job": job.pk})

    @admin.display(description=_("latest progress"))
    def latest_progress(self, job):
        if hasattr(job, "latest_percent"):  # annotated by get_queryset
            if job.latest_percent is None:
                return "-"
            return f"{job.latest_percent} %: {job.latest_text}"
        update = job.progress_updates.order_by("-created_at", "-id").first()
        return f"{update.percent} %: {update.text}" if update else "-"


class ClaimVendorJobsMixin:
    """Adds the claim's vendor jobs (and the link to commission one) to the claim screen."""

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        return [*inlines, VendorJobInline] if obj is not None else inlines

    def save_formset(self, request, form, formset, change):
        if formset.model is VendorJob:  # read-only here; jobs change through the services
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)
