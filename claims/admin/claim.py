"""The adjusters' claim screen and work queue. Every write goes through the claims services, so
coverage check, audit, activities and permissions hold whichever button is pressed."""

from __future__ import annotations

from html import escape as html_escape
from types import SimpleNamespace

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    QueryDict,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django_fsm.admin import FSMAdminMixin

from accounts.admin_site import permission_key
from claims import roles
from claims.admin import display
from claims.admin.actions import ClaimActionsMixin
from claims.admin.desk import desk_context
from claims.admin.fieldsets import render_fieldsets
from claims.admin.filters import (
    AdjusterListFilter,
    LossTypeListFilter,
    ProductListFilter,
    WorkQueueFilter,
)
from claims.admin.forms import ClaimAddForm, ClaimChangeForm, DenyForm, ReopenForm, WithdrawForm
from claims.admin.inlines import (
    ActivityInline,
    ClaimDocumentAddInline,
    ClaimDocumentListInline,
    ClaimNoteInline,
    InformationRequestInline,
)
from claims.admin.readonly_tables import is_display_only, render_table
from claims.admin.widgets import ListSelect
from claims.desk.tabs import (
    ALL_PARAMETER,
    ALL_TABS,
    LAZY_TABS,
    OVERVIEW,
    fieldset_tab,
    inline_tab,
    wants_all_tabs,
)
from claims.exceptions import ClaimsError
from claims.formats import local_formats
from claims.models import TRANSITION_NAMES, Claim, ClaimDocument, ClaimNote, ClaimState
from claims.models import InformationRequest as Request
from claims.pagination import EstimatedCountPaginator
from claims.selectors import (
    adjusters,
    claim_audit_history,
    claims_for_queue,
    claims_search,
    with_open_information,
)
from claims.services import (
    claim_assign,
    claim_report,
    claim_transition,
    claim_update,
    document_add,
    information_request_create,
    note_add,
)
from claims.services.editing import BEFORE_DECISION, EDITABLE
from claims.services.transitions import transition_label
from config.kept import Kept
from config.statements import Prepared

ADD_FIELDS = ["policy", "loss_type", "loss_date", "description", "emergency", "estimated_amount",
              "claimant_name", "claimant_email", "claimant_address"]
DISPLAY_FIELDS = ["state_overview", "coverage_result", "policy_overview", "decision",
                  "series_overview", "duplicate_overview"]
# The claim form classes kept per process (``ClaimAdminBase.get_form``): a few per role,
# language and state in practice.
FORMS_KEPT = 64


_CHECKBOX_NAME = escape(helpers.ACTION_CHECKBOX_NAME)
_EMERGENCY = format_html('<strong class="claim-overdue">{}</strong>', "EMERGENCY")


class _UrlNamed:
    """A request as ``get_queryset`` of the claim screen reads it: its URL name, no parameters."""

    def __init__(self, url_name: str):
        self.resolver_match = SimpleNamespace(url_name=url_name)
        self.GET = QueryDict()


def _primary_key(object_id) -> int | None:
    """The claim key in the URL (as the key field's ``to_python`` reads it), None if it is none
    (the admin then answers as for a missing object)."""
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        return None
    return pk if 0 < pk < 2**63 else None


class ClaimAdminBase(ClaimActionsMixin, FSMAdminMixin, admin.ModelAdmin):
    """The claim screen of the claims app; ``claims.admin`` registers it composed with the money
    and vendor sections."""

    fsm_fields = ["state"]
    fsm_forms = {"deny": DenyForm, "withdraw": WithdrawForm, "reopen": ReopenForm}
    fsm_transition_not_allowed_msg = _("You are not allowed to “{transition_name}” this claim.")
    change_form_template = "admin/claims/claim/change_form.html"
    fsm_transition_form_template = "admin/claims/claim/transition_form.html"
    form = ClaimChangeForm
    list_display = ["number", "emergency_flag", "state_label", "policyholder", "product",
                    "loss_type", "loss_date", "reported_at", "assigned_adjuster", "next_due",
                    "flags"]
    list_filter = [WorkQueueFilter, "state", ("policy__product", ProductListFilter),
                   ("loss_type", LossTypeListFilter),
                   ("assigned_adjuster", AdjusterListFilter), "emergency"]
    search_fields = ["number", "policy__number", "policy__policyholder__company_name",
                     "policy__policyholder__contact_name", "claimant_name"]
    ordering = ["-emergency", "reported_at", "id"]
    list_per_page = 50
    # No whole-table counts: the total is exact up to 1,000 claims, estimated above.
    paginator = EstimatedCountPaginator
    show_full_result_count = False

    # --- list ---------------------------------------------------------------------------------

    # A filter on one state, product, loss type or adjuster (or "my claims"): that column first
    # in the default order, the same for every row listed, so the order is the same and the index
    # that starts with the column serves filter and order together.
    QUEUE_INDEX_COLUMNS = {"state__exact": "state",
                           "policy__product__id__exact": "policy_product_id",
                           "loss_type__id__exact": "loss_type_id",
                           "assigned_adjuster__id__exact": "assigned_adjuster_id"}

    def get_ordering(self, request):
        ordering = list(super().get_ordering(request))
        if request.GET.get("queue") in ("mine", "unassigned"):
            return ["assigned_adjuster_id", *ordering]
        for parameter, column in self.QUEUE_INDEX_COLUMNS.items():
            if len(request.GET.getlist(parameter)) == 1:
                return [column, *ordering]
        return ordering

    # What the list's rows show (``list_display``, the rows' links and checkboxes): a GET of the
    # list reads only these columns of the claims and their related rows.
    LIST_FIELDS = ["number", "emergency", "state", "loss_date", "reported_at", "next_due_at",
                   "series", "possible_duplicate_of", "duplicate_reviewed_at",
                   "policy__policyholder__company_name", "policy__product__name_en",
                   "policy__product__name_de", "loss_type__name_en", "loss_type__name_de",
                   "assigned_adjuster__username"]

    def get_queryset(self, request):
        match = getattr(request, "resolver_match", None)
        if match is None or match.url_name == "claims_claim_changelist":
            claims = claims_for_queue()
            if match is not None and request.method == "GET":
                claims = claims.only(*self.LIST_FIELDS)
            return claims
        # One claim (its page, downloads, transitions): no work-queue figures to compute.
        return with_open_information(Claim.objects.select_related(
            "policy__policyholder", "policy__product", "loss_type", "assigned_adjuster",
            "reported_by", "coverage_account", "coverage_section__module"))

    def get_object(self, request, object_id, from_field=None):
        """Read once per GET (the page, the FSM buttons and the audit history all ask), by its
        primary key through a read compiled once per connection and page (``_object_read``)."""
        if request.method != "GET":
            return super().get_object(request, object_id, from_field)
        cache = request.__dict__.setdefault("_claims_admin_objects", {})
        key = (object_id, from_field)
        if key not in cache:
            read = self._object_read(request) if from_field is None else None
            pk = _primary_key(object_id)
            if read is None or pk is None:
                cache[key] = super().get_object(request, object_id, from_field)
            else:
                cache[key] = read.first(pk=pk)
        return cache[key]

    def _object_read(self, request) -> Prepared | None:
        """``get_queryset(request).get(pk=...)`` as a ``Prepared`` read, one per URL name: the
        admin's queryset depends on the request only through the URL name (the page, a tab,
        a download). It is built with a stand-in request that has nothing else, so a
        ``get_queryset`` that reads more of the request fails instead of being compiled once
        for everyone."""
        match = getattr(request, "resolver_match", None)
        if match is None:
            return None
        reads = self.__dict__.setdefault("_claims_object_reads", {})
        read = reads.get(match.url_name)
        if read is None:
            stand_in = _UrlNamed(match.url_name)
            read = reads[match.url_name] = Prepared(
                lambda p: self.get_queryset(stand_in).filter(pk=p.int("pk")).order_by())
        return read

    def action_checkbox(self, obj):
        """The row's checkbox as the admin's widget renders it, written directly (rendering the
        widget's template 50 times was a fifth of the list's time): ``format_html`` of the
        label, then of the input, as one format."""
        return self._checkboxes()(obj)

    def _checkboxes(self):
        """``action_checkbox`` for the rows of one page (the label translated once)."""
        label = gettext("Select this object for an action - {}")

        def checkbox(obj):
            return mark_safe(f'<input type="checkbox" name="{_CHECKBOX_NAME}"'
                             f' value="{html_escape(str(obj.pk))}" class="action-select"'
                             f' aria-label="{label.format(html_escape(str(obj)))}">')

        return checkbox

    action_checkbox.for_page = _checkboxes

    def get_actions(self, request):
        """Django's, worked out once per request (the list asks three times); each caller gets
        its own dict."""
        cache = request.__dict__.setdefault("_claims_admin_actions", {})
        if id(self) not in cache:
            cache[id(self)] = super().get_actions(request)
        return dict(cache[id(self)])

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return claims_search(queryset, search_term), False

    @admin.display(description="!", ordering="-emergency")
    def emergency_flag(self, claim):
        return _EMERGENCY if claim.emergency else ""

    @admin.display(description=_("state"), ordering="state")
    def state_label(self, claim):
        return ClaimState(claim.state).label

    @admin.display(description=_("policyholder"), ordering="policy__policyholder__company_name")
    def policyholder(self, claim):
        return claim.policy.policyholder

    @admin.display(description=_("product"), ordering="policy__product__name_en")
    def product(self, claim):
        return claim.policy.product

    @admin.display(description=_("next due"), ordering="next_due_at")
    def next_due(self, claim):
        return self._next_due_cells()(claim)

    def _next_due_cells(self):
        """``next_due`` for the rows of one page (the format and time zone looked up once)."""
        write, zone = local_formats().short_datetime, timezone.get_current_timezone()

        def next_due(claim):
            if claim.next_due_at is None:
                return ""
            text = write(timezone.localtime(claim.next_due_at, zone))
            if claim.overdue_count:  # format_html's text, written directly (a cell per row)
                return mark_safe(f'<strong class="claim-overdue">{html_escape(text)}'
                                 f' ({html_escape(str(claim.overdue_count))} overdue)</strong>')
            return text

        return next_due

    next_due.for_page = _next_due_cells

    @admin.display(description=_("flags"))
    def flags(self, claim):
        return self._flag_cells()(claim)

    def _flag_cells(self):
        """``flags`` for the rows of one page (the marks translated once)."""
        awaiting, duplicate, series = (
            str(_("awaiting information")), str(_("possible duplicate")), str(_("series")))

        def flags(claim):
            marks = []
            if claim.awaiting_information:
                marks.append(awaiting)
            if claim.duplicate_flag_open:
                marks.append(duplicate)
            if claim.series_id:
                marks.append(series)
            return ", ".join(marks)

        return flags

    flags.for_page = _flag_cells

    # --- the claim page -----------------------------------------------------------------------

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ADD_FIELDS})]
        return [
            (_("Claim"), {"fields": ["number", "state_overview", "policy", "loss_type",
                                  "loss_date", "reported_at", "reported_by", "emergency",
                                  "estimated_amount", "assigned_adjuster", "description"]}),
            (_("Claimant"), {"fields": ["claimant_name", "claimant_email", "claimant_address"]}),
            (_("Coverage check"), {"fields": ["coverage_result"]}),
            (_("Policy and its sections"), {"fields": ["policy_overview"]}),
            (_("Decision"), {"fields": ["decision"]}),
            (_("Related claims (series)"), {"fields": ["series_overview"]}),
            (_("Possible duplicate"), {"fields": ["duplicate_overview"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None:
            return fields
        fields += ["number", "policy", "reported_at", "reported_by", *DISPLAY_FIELDS]
        if obj.state not in BEFORE_DECISION:
            fields += ["loss_date", "loss_type"]
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        """Django's form class, built once per process for each set of what decides it
        (``_form_key``): building it (a form field and widget per model field, each related
        field's links asking the permissions of its model's admin) was a twentieth of the page's
        time."""
        if obj is None:
            kwargs["form"] = ClaimAddForm
            return super().get_form(request, obj, change, **kwargs)
        key = self._form_key(request, obj, change, kwargs)
        if key is None:
            return super().get_form(request, obj, change, **kwargs)
        forms = self.__dict__.setdefault("_claims_forms", Kept(FORMS_KEPT))
        return forms.get(key, lambda: super(ClaimAdminBase, self).get_form(
            request, obj, change, **kwargs))

    def _form_key(self, request, obj, change, kwargs) -> tuple | None:
        """What ``ModelAdmin.get_form`` builds the claim's form class from: its fields, the
        excluded and read-only ones, whether the user may change the claim, and (through
        ``formfield_for_dbfield``: the related models' admins' ``has_*_permission``) the user's
        permission key (``accounts.admin_site.permission_key``); and the language. None: another
        caller's options, built as Django builds them."""
        if set(kwargs) - {"fields"}:
            return None
        fields = kwargs.get("fields")
        if fields is None:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        return (tuple(fields), tuple(self.get_exclude(request, obj) or ()),
                tuple(self.get_readonly_fields(request, obj)),
                bool(change and self.has_change_permission(request, obj)),
                permission_key(request.user), get_language())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("assigned_adjuster", "loss_type"):
            kwargs.setdefault("widget", ListSelect)
        if db_field.name == "assigned_adjuster":
            kwargs["queryset"] = adjusters()
        if db_field.name == "policy":
            kwargs["queryset"] = db_field.related_model.objects.select_related(
                "product", "policyholder").order_by("number")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        if obj is None:
            return []
        return [ClaimNoteInline, ClaimDocumentListInline, ClaimDocumentAddInline,
                InformationRequestInline, ActivityInline]

    def get_inline_instances(self, request, obj=None):
        """Only the inlines someone can add to or change here are formsets; the display-only
        ones (documents, activities, vendor jobs) are plain tables in the same places
        (``render_change_form``), so a save neither renders nor posts their forms.

        Only the inlines of the tabs this request renders (``claims.desk.tabs``) are built: a
        save takes the formsets of the tabs that were opened (their management form is posted)
        and leaves the others alone."""
        inlines = super().get_inline_instances(request, obj)
        if obj is None:
            return inlines
        order = [(inline, is_display_only(inline, request, obj)) for inline in inlines]
        tabs = getattr(request, "_claims_desk_tabs", None)
        if tabs is not None:
            request._claims_desk_available = {"money", "history",
                                              *(inline_tab(inline) for inline in inlines)}
            if request.method == "POST":
                tabs.update(inline_tab(inline) for inline, display_only in order
                            if not display_only and self._formset_posted(request, obj, inline))
            request._claims_desk_unopened = [inline for inline, display_only in order
                                             if not display_only
                                             and inline_tab(inline) not in tabs]
            order = [(inline, display_only) for inline, display_only in order
                     if inline_tab(inline) in tabs]
        request._claims_inline_order = order
        return [inline for inline, display_only in order if not display_only]

    @staticmethod
    def _formset_posted(request, obj, inline) -> bool:
        prefix = inline.get_formset(request, obj).get_default_prefix()
        return f"{prefix}-TOTAL_FORMS" in request.POST

    def render_change_form(self, request, context, add=False, change=False, form_url="",
                           obj=None):
        order = getattr(request, "_claims_inline_order", None)
        if obj is not None and order is not None:
            formsets = {id(formset.opts): formset
                        for formset in context.get("inline_admin_formsets", [])}
            shown = [(inline, display_only) for inline, display_only in order
                     if display_only or id(inline) in formsets]
            context["claim_inlines"] = [
                (None, render_table(inline, request, obj, last=index == len(shown) - 1))
                if display_only else (formsets[id(inline)], None)
                for index, (inline, display_only) in enumerate(shown)]
        tabs = getattr(request, "_claims_desk_tabs", None)
        if obj is None or tabs is None:
            return super().render_change_form(request, context, add, change, form_url, obj)
        adminform = context["adminform"]
        adminform.fieldsets = [fieldset for fieldset in adminform.fieldsets
                               if fieldset_tab(fieldset) in tabs]
        fragment = getattr(request, "_claims_desk_fragment", None)
        context["claim_fieldsets"] = render_fieldsets(
            adminform, id_prefix=0 if fragment is None else fragment)
        if fragment is not None:
            return TemplateResponse(request, "admin/claims/claim/tab.html", context)
        available = getattr(request, "_claims_desk_available", ())
        context["desk_lazy_tabs"] = [
            (tab, label, reverse("admin:claims_claim_tab", args=[obj.pk, tab]))
            for tab, label in LAZY_TABS.items() if tab not in tabs and tab in available]
        context["desk_all_tabs_query"] = f"?{ALL_PARAMETER}=all"
        unopened = getattr(request, "_claims_desk_unopened", ())
        if unopened:  # what their formsets' scripts need once they are loaded into the form
            media = context["media"]
            for inline in unopened:
                media += inline.media
            context["media"] = media + AdminDateWidget().media
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if unopened:  # a tab loaded later may hold a file input (documents)
            response.context_data["has_file_field"] = True
        return response

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("state"))
    def state_overview(self, claim):
        return display.state_badges(claim)

    @admin.display(description=_("result"))
    def coverage_result(self, claim):
        return display.coverage_result(claim)

    @admin.display(description=_("policy"))
    def policy_overview(self, claim):
        return display.policy_overview(claim)

    @admin.display(description=_("decision"))
    def decision(self, claim):
        if claim.denial_reason:
            return format_html("{} <strong>{}</strong>. {}", _("Denied:"),
                               claim.get_denial_reason_display(), claim.denial_text)
        if claim.withdrawal_reason:
            return format_html("{} {}", _("Withdrawn:"), claim.withdrawal_reason)
        return "-"

    @admin.display(description=_("series"))
    def series_overview(self, claim):
        return display.series_overview(claim)

    @admin.display(description=_("duplicate check"))
    def duplicate_overview(self, claim):
        return display.duplicate_overview(claim)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        fragment = getattr(request, "_claims_desk_fragment", None)
        if fragment is not None:
            tabs = {fragment}
        else:
            tabs = set(ALL_TABS) if wants_all_tabs(request) else {OVERVIEW}
        request._claims_desk_tabs = tabs
        claim = self.get_object(request, object_id)
        if claim is not None:
            if "history" in tabs:
                context["audit_rows"] = display.audit_rows(claim_audit_history(claim=claim))
            if fragment is None:
                context["desk"] = desk_context(claim=claim, user=request.user)
                context["now"] = timezone.now()
        return super().change_view(request, object_id, form_url, context)

    def desk_tab_view(self, request, object_id, tab):
        """One tab of the claim page (``claims.desk.tabs``), as the page would render it: the
        same object-level permission, and the view is in the access log as the page's is."""
        if tab not in LAZY_TABS:
            raise Http404(_("The claim page has no tab %(tab)s.") % {"tab": tab})
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        claim = self.get_object(request, unquote(object_id))
        if claim is None:
            raise Http404(_("No such claim."))
        if not self.has_view_or_change_permission(request, claim):
            raise PermissionDenied
        request._claims_desk_fragment = tab
        return self.change_view(request, object_id)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # No transaction around the whole request: each service runs its own durable one.
        try:
            return self._changeform_view(request, object_id, form_url, extra_context)
        except ClaimsError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- writes through the services ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            created = claim_report(reported_by=request.user,
                                   **{name: data[name] for name in ADD_FIELDS})
            obj.pk = created.pk
            obj._state.adding = False
            obj.refresh_from_db()
            return
        claim = Claim.objects.get(pk=obj.pk)
        if "assigned_adjuster" in form.changed_data:
            claim_assign(claim=claim, adjuster=data["assigned_adjuster"], by=request.user)
        changes = {name: data[name] for name in form.changed_data if name in EDITABLE}
        if changes:
            claim_update(claim=claim, by=request.user, changes=changes)
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        claim = form.instance
        created = []
        for inline_form in formset.forms:
            if inline_form.instance.pk or not inline_form.has_changed():
                continue
            data = inline_form.cleaned_data
            if formset.model is ClaimNote:
                created.append(note_add(claim=claim, text=data["text"],
                                        visibility=data["visibility"], author=request.user))
            elif formset.model is ClaimDocument:
                created.append(document_add(claim=claim, upload=data["file"],
                                            doc_type=data["doc_type"], uploaded_by=request.user))
            elif formset.model is Request:
                created.append(information_request_create(
                    claim=claim, question=data["question"], due_date=data["due_date"],
                    requested_by=request.user))
        formset.new_objects, formset.changed_objects, formset.deleted_objects = created, [], []

    # --- transitions: the FSM buttons call claim_transition -----------------------------------

    def get_fsm_block_label(self, fsm_field_name):
        return _("Move the claim")

    def response_change(self, request, obj):
        name = request.POST.get(self.fsm_post_param)
        if name and name not in TRANSITION_NAMES:
            self.message_user(request, _("Unknown transition “%(name)s”.") % {"name": name},
                              messages.ERROR)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def fsm_transition_view(self, request, object_id, transition_name, **kwargs):
        if transition_name not in TRANSITION_NAMES:
            raise Http404(_("Unknown transition “%(name)s”.") % {"name": transition_name})
        return super().fsm_transition_view(request, object_id, transition_name, **kwargs)

    def _apply_fsm_transition(self, *, obj, transition_name, request, kwargs=None):
        payload = dict(kwargs or {})
        reason = payload.pop("reason", "")
        label = transition_label(transition_name)
        try:
            claim_transition(claim=obj, transition=transition_name, by=request.user,
                             reason=reason, payload=payload)
        except ClaimsError as error:
            self.message_user(request, f"{label}: {error.message}", messages.ERROR)
            return False
        self.message_user(
            request, _("%(action)s: done. The claim is now %(state)s.") % {
                "action": label, "state": str(ClaimState(obj.state).label).lower()},
            messages.SUCCESS,
        )
        return True

    # --- documents are served only through the admin, as downloads ----------------------------

    def get_urls(self):
        return [
            path("<path:object_id>/documents/<int:document_id>/",
                 self.admin_site.admin_view(self.document_download),
                 name="claims_claim_document"),
            path("<path:object_id>/tab/<str:tab>/",
                 self.admin_site.admin_view(self.desk_tab_view), name="claims_claim_tab"),
            *super().get_urls(),
        ]

    def document_download(self, request, object_id, document_id):
        claim = self.get_object(request, object_id)
        if claim is None:
            raise Http404(_("No such claim."))
        if not (self.has_view_permission(request, claim) and roles.is_adjuster(request.user)
                or request.user.is_superuser):
            raise PermissionDenied
        document = get_object_or_404(ClaimDocument, pk=document_id, claim=claim)
        return FileResponse(document.file.open("rb"), as_attachment=True,
                            filename=document.original_name, content_type=document.content_type)
