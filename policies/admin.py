"""Policies in the admin. A policy is sold through ``policy_create`` (the add page validates with
the same rules first) and cancelled through ``policy_cancel``; once sold, its terms, sections and
aggregate accounts are read-only here, and ``committed`` only ever changes with a settlement."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from coverage.models import Module
from privacy.admin_actions import PersonalDataActions

from .dependencies import policy_dependencies_set
from .models import (
    CoverageSection,
    InsuranceYearAccount,
    Policy,
    PolicyDependency,
    Policyholder,
    PolicyNumberCounter,
    PolicyPremium,
)
from .selectors import aggregate_overview
from .services import policy_cancel, policy_create
from .validation import combination_errors

POLICY_TERMS = [
    "number", "policyholder", "product", "start_date", "term_years", "expiry_date", "deductible",
    "it_security_discount", "it_security_criterion",
]


class ReadOnlyMixin:
    """Rows that are written by services only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PolicyInline(ReadOnlyMixin, admin.TabularInline):
    model = Policy
    fields = ["number", "product", "start_date", "expiry_date", "status"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


@admin.register(Policyholder)
class PolicyholderAdmin(PersonalDataActions, admin.ModelAdmin):
    list_display = [
        "company_name", "contact_name", "email", "industry", "annual_revenue", "city", "user",
    ]
    list_filter = ["industry", "unattended_automated_production", "country"]
    search_fields = ["company_name", "contact_name", "email", "city", "user__username"]
    autocomplete_fields = ["user"]
    inlines = [PolicyInline]


class PolicyAddForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = POLICY_TERMS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = "Empty: the next number is given (e.g. CY-2026-000123)."
        self.fields["expiry_date"].required = False
        self.fields["expiry_date"].help_text = (
            "Empty: start + term. Move it to 1 January for a short first insurance year."
        )


class SectionAddFormSet(BaseInlineFormSet):
    """The modules sold with the policy: the base module, and add-ons only with what they
    require (the rules of ``policy_create``)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        modules = [
            form.cleaned_data["module"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        codes = [module.code for module in modules]
        if len(set(codes)) != len(codes):
            raise ValidationError(gettext("Each module can be chosen once."))
        if self.instance.product_id is not None and (
            errors := combination_errors(modules=modules)
        ):
            raise ValidationError(errors)


class SectionAddInline(admin.TabularInline):
    model = CoverageSection
    formset = SectionAddFormSet
    fields = ["module", "sum_insured"]
    extra = 3

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "module":
            kwargs["queryset"] = Module.objects.select_related("product")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
    verbose_name_plural = _("modules sold (base module and add-ons) with their sums insured")


class SectionInline(ReadOnlyMixin, admin.TabularInline):
    model = CoverageSection
    fields = ["module", "sum_insured", "deductible", "aggregate_factor", "aggregate_limit"]
    readonly_fields = fields
    show_change_link = True
    extra = 0


class PremiumInline(ReadOnlyMixin, admin.TabularInline):
    model = PolicyPremium
    fields = ["year", "starts_on", "ends_on", "premium", "it_security_discount", "change_reason"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = "premium per insurance year"


class DependencyAddInline(admin.TabularInline):
    """Asked when the policy is sold: the IT providers and software the business depends on."""

    model = PolicyDependency
    fields = ["kind", "name"]
    extra = 3
    verbose_name_plural = "IT providers and software the policyholder depends on"


class DependencyInline(ReadOnlyMixin, admin.TabularInline):
    model = PolicyDependency
    fields = ["kind", "name", "created_at"]
    readonly_fields = fields
    extra = 0
    verbose_name_plural = ("IT providers and software the policyholder depends on (kept up to "
                           "date by the policyholder in the portal, or through the API)")


class CancelForm(forms.Form):
    cancelled_from = forms.DateField(
        help_text="No cover for losses from this date (DD.MM.YYYY or YYYY-MM-DD).",
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
    )
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))


class PolicyAdmin(admin.ModelAdmin):
    """The policy screen; registered once, composed with the money columns in claims.money.admin
    (the policies app does not know about payments)."""

    list_display = [
        "number", "policyholder", "product", "start_date", "expiry_date", "term_years", "status",
        "it_security_discount",
    ]
    list_filter = ["product", "status", "term_years", "it_security_discount"]
    search_fields = ["number", "policyholder__company_name", "policyholder__email"]
    list_select_related = ["policyholder", "product"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["policyholder"]
    actions = ["cancel_policies"]

    def has_change_permission(self, request, obj=None):
        """A sold policy is read-only: it changes through the services (cancel)."""
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PolicyAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": POLICY_TERMS})]
        return [
            (None, {"fields": POLICY_TERMS}),
            (_("Status"), {"fields": ["status", "cancelled_from", "created_at"]}),
            (_("Annual aggregate per insurance year"), {"fields": ["aggregate_table"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*POLICY_TERMS, "status", "cancelled_from", "created_at", "aggregate_table"]

    def get_inline_instances(self, request, obj=None):
        inlines = [SectionAddInline, DependencyAddInline] if obj is None else [
            SectionInline, PremiumInline, DependencyInline]
        return [inline(self.model, self.admin_site) for inline in inlines]

    @admin.display(description=_("aggregate accounts"))
    def aggregate_table(self, policy: Policy) -> str:
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{} to {}</td><td style='text-align:right'>{}</td>"
            "<td style='text-align:right'>{}</td><td style='text-align:right'>{}</td></tr>",
            (
                (
                    row.section.module.name,
                    row.insurance_year,
                    f"{row.starts_on:%d.%m.%Y}",
                    f"{row.ends_on - timedelta(days=1):%d.%m.%Y}",
                    f"{row.limit:,.2f}",
                    f"{row.committed:,.2f}",
                    f"{row.remaining:,.2f}",
                )
                for row in aggregate_overview(policy=policy)
            ),
        )
        return format_html(
            "<table class='aggregate-table'><thead><tr><th>Section</th><th>Insurance year</th>"
            "<th>Period</th><th>Aggregate limit (EUR)</th><th>Committed (EUR)</th>"
            "<th>Remaining (EUR)</th></tr></thead><tbody>{}</tbody></table>",
            rows,
        )

    def save_model(self, request, obj, form, change):
        """A new policy is created together with its sections in ``save_related``."""

    def save_related(self, request, form, formsets, change):
        """Sell the policy through ``policy_create`` (form and inline were validated with the
        same rules, so it does not refuse here)."""
        sections, dependencies = {}, []
        for formset in formsets:
            if formset.model is PolicyDependency:
                dependencies = [form.cleaned_data for form in formset.forms
                                if form.cleaned_data and not form.cleaned_data.get("DELETE")]
                continue
            for section_form in formset.forms:
                data = section_form.cleaned_data
                if data and not data.get("DELETE"):
                    sections[data["module"].code] = data["sum_insured"]
        data = form.cleaned_data
        policy = policy_create(
            policyholder=data["policyholder"],
            product=data["product"],
            start_date=data["start_date"],
            term_years=data["term_years"],
            deductible=data["deductible"],
            sections=sections,
            it_security_discount=data["it_security_discount"],
            it_security_criterion=data["it_security_criterion"],
            expiry_date=data["expiry_date"],
            number=data["number"] or None,
            created_by=request.user,
        )
        if dependencies:
            policy_dependencies_set(policy=policy, dependencies=dependencies, by=request.user)
        obj = form.instance
        for field in Policy._meta.concrete_fields:
            setattr(obj, field.attname, getattr(policy, field.attname))
        obj._state.adding = False
        obj._state.db = policy._state.db
        for formset in formsets:
            formset.new_objects = list(policy.sections.all() if formset.model is CoverageSection
                                       else policy.it_dependencies.all())
            formset.changed_objects = []
            formset.deleted_objects = []

    @admin.action(description=_("Cancel the selected policies"))
    def cancel_policies(self, request, queryset):
        form = CancelForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            cancelled = 0
            for policy in queryset.order_by("pk"):
                try:
                    policy_cancel(
                        policy=policy,
                        cancelled_from=form.cleaned_data["cancelled_from"],
                        cancelled_by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    self.message_user(
                        request, f"{policy.number}: {'; '.join(error.messages)}", messages.ERROR
                    )
                else:
                    cancelled += 1
            if cancelled:
                self.message_user(request, gettext("%(cancelled)s policies cancelled.") % {
                                               "cancelled": cancelled}, messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            "admin/policies/policy/cancel.html",
            {
                **self.admin_site.each_context(request),
                "title": "Cancel policies",
                "opts": self.model._meta,
                "policies": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


class AccountInline(ReadOnlyMixin, admin.TabularInline):
    model = InsuranceYearAccount
    fields = ["year", "starts_on", "ends_on", "limit", "committed", "remaining"]
    readonly_fields = fields
    extra = 0


@admin.register(CoverageSection)
class CoverageSectionAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["policy", "module", "sum_insured", "deductible", "aggregate_limit"]
    list_filter = ["module__product", "module"]
    search_fields = ["policy__number", "policy__policyholder__company_name"]
    list_select_related = ["policy__product", "module__product"]
    inlines = [AccountInline]


@admin.register(InsuranceYearAccount)
class InsuranceYearAccountAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = [
        "section", "year", "starts_on", "ends_on", "limit", "committed", "remaining",
    ]
    list_filter = ["section__module__product", "section__module", "year"]
    search_fields = ["section__policy__number", "section__policy__policyholder__company_name"]
    list_select_related = ["section__policy", "section__module"]


@admin.register(PolicyNumberCounter)
class PolicyNumberCounterAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["prefix", "year", "last_value"]
    list_filter = ["prefix", "year"]
    search_fields = ["prefix"]


@admin.register(PolicyPremium)
class PolicyPremiumAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["policy", "year", "starts_on", "ends_on", "premium", "it_security_discount"]
    list_filter = ["it_security_discount"]
    search_fields = ["policy__number"]


@admin.register(PolicyDependency)
class PolicyDependencyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Who depends on which provider or software (search "CloudHost"); the lists change when a
    policy is sold, in the portal and through the API, always audited."""

    list_display = ["name", "kind", "policy", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name", "policy__number", "policy__policyholder__company_name"]
    list_select_related = ["policy"]
