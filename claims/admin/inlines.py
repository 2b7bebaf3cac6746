"""What the claim page lists below the claim: notes, documents, information requests and
activities. Rows are never edited or deleted here; new ones are saved through the services
(see ``ClaimAdmin.save_formset``)."""

from __future__ import annotations

from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from claims.admin.forms import DocumentInlineForm, InformationRequestInlineForm, NoteInlineForm
from claims.desk.reads import page_reads
from claims.models import Activity, ClaimDocument, ClaimNote, InformationRequest


class AppendOnlyInline(admin.TabularInline):
    extra = 1
    can_delete = False
    show_change_link = False
    # What the rows show (people, and the claim in each row's name), fetched with the rows.
    related_people: tuple[str, ...] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.related_people) if self.related_people else queryset

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_formset(self, request, obj=None, **kwargs):
        """A table's column header is no label for a screen reader: every input of the new row
        is named after its column (axe-core: label, select-name)."""
        formset = super().get_formset(request, obj, **kwargs)
        for name, field in formset.form.base_fields.items():
            field.widget.attrs.setdefault(
                "aria-label", f"{self.verbose_name}: {field.label or name}")
        return formset


class ClaimNoteInline(AppendOnlyInline):
    model = ClaimNote
    form = NoteInlineForm
    fields = ["created_at", "author", "visibility", "text"]
    readonly_fields = ["created_at", "author"]
    related_people = ("author", "claim")
    verbose_name = _("note")
    verbose_name_plural = _("notes (append-only)")


class ClaimDocumentListInline(AppendOnlyInline):
    model = ClaimDocument
    extra = 0
    fields = ["download", "doc_type", "content_type", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    related_people = ("uploaded_by", "claim")
    verbose_name = _("document")
    verbose_name_plural = _("documents")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, document):
        url = reverse("admin:claims_claim_document", args=[document.claim_id, document.pk])
        return format_html('<a href="{}">{}</a>', url, document.original_name)


class ClaimDocumentAddInline(AppendOnlyInline):
    model = ClaimDocument
    form = DocumentInlineForm
    fields = ["doc_type", "file"]
    verbose_name = _("new document")
    verbose_name_plural = _("add documents (PDF, images, text/CSV, Word, Excel)")

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        """Its inputs keep the names they had when the document list was a formset before it
        (``documents-2-…``), now that the list is a plain table (claims/admin/readonly_tables.py).
        """
        formset = super().get_formset(request, obj, **kwargs)
        formset.get_default_prefix = classmethod(lambda cls: "documents-2")
        return formset


class InformationRequestInline(AppendOnlyInline):
    model = InformationRequest
    form = InformationRequestInlineForm
    fields = ["kind", "question", "due_date", "status", "answer", "requested_by", "closed_at"]
    readonly_fields = ["kind", "status", "answer", "requested_by", "closed_at"]
    related_people = ("requested_by", "claim")
    verbose_name = _("information request")
    verbose_name_plural = _("information requests to the policyholder")


class ActivityInline(AppendOnlyInline):
    model = Activity
    extra = 0
    fields = ["activity_title", "opened_in_state", "due", "completed_at", "completion_note",
              "escalated_at", "escalated_to"]
    readonly_fields = fields
    related_people = ("escalated_to", "claim")
    verbose_name_plural = _("activities")

    @admin.display(description=_("title"))
    def activity_title(self, activity):
        """The seeded templates' titles are in the catalogue (claims/activity_titles.py)."""
        return gettext(activity.title)

    def has_add_permission(self, request, obj=None):
        return False

    def table_rows(self, request, obj):
        """The claim's activities as the summary at the top read them (claims.desk.reads)."""
        return page_reads(obj).activities

    @admin.display(description=_("due"))
    def due(self, activity):
        text = date_format(timezone.localtime(activity.due_at), "SHORT_DATETIME_FORMAT")
        if activity.completed_at is None and activity.due_at < timezone.now():
            return format_html('<strong class="claim-overdue">{} {}</strong>', text,
                               _("OVERDUE"))
        return text if activity.completed_at is None else mark_safe(f"<s>{text}</s>")
