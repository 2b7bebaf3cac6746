"""Forms of the events admin: the event itself and the bulk actions."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import ClaimNote
from claims.selectors import adjusters
from claims.vendors.models import VendorService

from ..models import CyberEvent
from ..services import AssignMode


class EventForm(forms.ModelForm):
    class Meta:
        model = CyberEvent
        fields = ["name", "kind", "description", "starts_at", "ends_at", "providers", "software",
                  "indicators", "cve_id", "loss_types", "report_loss_type", "vendor_panel"]
        help_texts = {"providers": _("Comma-separated."), "software": _("Comma-separated."),
                      "indicators": _("Comma-separated.")}


class LinkToEventForm(forms.Form):
    event = forms.ModelChoiceField(queryset=CyberEvent.objects.order_by("-starts_at"),
                                   label=_("Cyber event"))


class AssignForm(forms.Form):
    mode = forms.ChoiceField(label=_("How"), choices=[
        (AssignMode.ROUND_ROBIN, _("Round robin (in turn)")),
        (AssignMode.BY_LOAD, _("By load (fewest open claims first)")),
    ])
    adjusters = forms.ModelMultipleChoiceField(
        queryset=adjusters(), required=False, widget=forms.CheckboxSelectMultiple,
        label=_("Adjusters"), help_text=_("None chosen: every active adjuster."))


class InformationRequestForm(forms.Form):
    question = forms.CharField(label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}))
    due_date = forms.DateField(label=_("Answer by"),
                               widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_date"].initial = timezone.localdate() + timedelta(days=7)


class CommissionForm(forms.Form):
    service = forms.ModelChoiceField(queryset=VendorService.objects.order_by("name"),
                                     label=_("Service"))
    scope = forms.CharField(label=_("What the vendor is asked to do"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))
    visibility = forms.ChoiceField(label=_("Visible to"), choices=ClaimNote.Visibility.choices)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why not"), required=False, max_length=2000)


BULK_FORMS = {"assign": AssignForm, "information_request": InformationRequestForm,
              "commission": CommissionForm, "note": NoteForm}
