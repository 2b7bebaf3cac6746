from __future__ import annotations

from decimal import Decimal

from django import forms

from claims.amounts import AmountFormField
from claims.api.serializers.common import TEXT_MAX
from claims.uploads import validate_document

from ..models import JobState


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", "All states"), *JobState.choices], required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text="Why you cannot take the job.")


class QuoteForm(forms.Form):
    estimate = AmountFormField(label="Estimate (EUR)", min_value=Decimal("0.01"))
    scope = forms.CharField(max_length=TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}),
                            help_text="The work the estimate covers.")


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label="Progress (%)", min_value=0, max_value=100)
    text = forms.CharField(max_length=TEXT_MAX, label="What was done",
                           widget=forms.Textarea(attrs={"rows": 3}))
    visible_to_policyholder = forms.BooleanField(
        required=False, label="Show this update to the policyholder")


class ReportForm(forms.Form):
    file = forms.FileField(label="Final report", validators=[validate_document],
                           help_text="PDF, image, text, Word or Excel.")


class InvoiceForm(forms.Form):
    amount = AmountFormField(label="Invoice amount (EUR)", min_value=Decimal("0.01"))
    file = forms.FileField(label="Invoice document", validators=[validate_document],
                           help_text="PDF, image, text, Word or Excel.")


ACTION_FORMS = {
    "accept": None,
    "decline": DeclineForm,
    "quote": QuoteForm,
    "progress": ProgressForm,
    "report": ReportForm,
    "complete": None,
    "invoice": InvoiceForm,
}
