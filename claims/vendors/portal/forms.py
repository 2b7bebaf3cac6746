from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from claims.amounts import AmountFormField
from claims.api.serializers.common import TEXT_MAX
from claims.uploads import validate_document

from ..models import JobState


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=[("", _("All states")), *JobState.choices],
                              required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=TEXT_MAX, label=_("Reason"),
                             widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Why you cannot take the job."))


class QuoteForm(forms.Form):
    estimate = AmountFormField(label=_("Estimate (€)"), min_value=Decimal("0.01"),
                               help_text=_("For example 1.400,50"))
    scope = forms.CharField(max_length=TEXT_MAX, label=_("Scope"),
                            widget=forms.Textarea(attrs={"rows": 4}),
                            help_text=_("The work the estimate covers."))


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(max_length=TEXT_MAX, label=_("What was done"),
                           widget=forms.Textarea(attrs={"rows": 3}))
    visible_to_policyholder = forms.BooleanField(
        required=False, label=_("Show this update to the policyholder"))


class ReportForm(forms.Form):
    file = forms.FileField(label=_("Final report"), validators=[validate_document],
                           help_text=_("PDF, image, text, Word or Excel."))


class InvoiceForm(forms.Form):
    amount = AmountFormField(label=_("Invoice amount (€)"), min_value=Decimal("0.01"),
                             help_text=_("For example 1.400,50"))
    file = forms.FileField(label=_("Invoice document"), validators=[validate_document],
                           help_text=_("PDF, image, text, Word or Excel."))


ACTION_FORMS = {
    "accept": None,
    "decline": DeclineForm,
    "quote": QuoteForm,
    "progress": ProgressForm,
    "report": ReportForm,
    "complete": None,
    "invoice": InvoiceForm,
}
