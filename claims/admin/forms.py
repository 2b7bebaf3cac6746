"""Forms of the adjuster admin. Validation mirrors the services' (which check again)."""

from __future__ import annotations

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.admin.widgets import DirectRenderer
from claims.exceptions import ClaimsError, ClaimValidationError
from claims.models import Claim, ClaimDocument, ClaimNote, DenialReason, InformationRequest
from claims.selectors import adjusters
from claims.services.editing import EDITABLE, claim_update_validate
from claims.services.report import claim_report_validate
from claims.uploads import validate_document
from config.statements import Prepared
from coverage.models import LossType


def _add_service_errors(form: forms.Form, error: ClaimValidationError) -> None:
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class DenyForm(forms.Form):
    denial_reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=DenialReason.choices)
    reason = forms.CharField(
        label=gettext_lazy("Explanation"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=gettext_lazy("Why the claim is denied, in words the policyholder will read."),
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for the withdrawal"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why is the claim reopened?"),
                             widget=forms.Textarea(attrs={"rows": 3}))


class SeriesLinkForm(forms.Form):
    cause = forms.CharField(
        label=gettext_lazy("Common cause"), max_length=200, required=False,
        help_text=gettext_lazy("E.g. 'ransomware attack of 3 March'; needed for a new series."),
    )


class ClaimAddForm(forms.ModelForm):
    """An adjuster records a claim reported by phone or through the hotline."""

    class Meta:
        model = Claim
        fields = [
            "policy", "loss_type", "loss_date", "description", "emergency", "estimated_amount",
            "claimant_name", "claimant_email", "claimant_address",
        ]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            claim_report_validate(
                loss_type=data["loss_type"], loss_date=data["loss_date"],
                description=data.get("description", ""),
                estimated_amount=data.get("estimated_amount"),
                claimant_name=data.get("claimant_name", ""),
                claimant_email=data.get("claimant_email", ""),
                claimant_address=data.get("claimant_address", ""),
                today=timezone.localdate(),
            )
        except ClaimValidationError as error:
            _add_service_errors(self, error)
        return data


# The active adjusters (``claims.selectors.adjusters``), compiled once per connection: the claim
# page's choice of adjuster and the claim list's filter read them on every view.
ACTIVE_ADJUSTERS = Prepared(lambda p: adjusters())


class AdjusterChoices(ModelChoiceIterator):
    """The choices of the adjuster field: the rows of ``ACTIVE_ADJUSTERS`` (the field's queryset,
    ``adjusters()``, still checks a posted value)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in ACTIVE_ADJUSTERS.all():
            yield self.choice(obj)


# The claim page's forms (the claim's, and the new rows of its notes, documents and questions):
# their inputs, labels and empty error lists written in Python (claims/admin/widgets.py).
DIRECT_RENDERER = DirectRenderer()

# The loss types, the choices of the claim's loss type (the field's queryset, all loss types in
# their default order, still checks a posted value), compiled once per connection.
LOSS_TYPES = Prepared(lambda p: LossType.objects.all())


class LossTypeChoices(ModelChoiceIterator):
    """The choices of the loss type field: the rows of ``LOSS_TYPES``."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in LOSS_TYPES.all():
            yield self.choice(obj)


class ClaimChangeForm(forms.ModelForm):
    default_renderer = DIRECT_RENDERER

    class Meta:
        model = Claim
        fields = [*sorted(EDITABLE), "assigned_adjuster"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "assigned_adjuster" in self.fields:
            field = self.fields["assigned_adjuster"]
            field.iterator = AdjusterChoices
            field.queryset = adjusters()
        if "loss_type" in self.fields:
            field = self.fields["loss_type"]
            field.iterator = LossTypeChoices
            field.queryset = field.queryset  # the widget takes its choices from the new iterator

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        changes = {name: data[name] for name in self.changed_data if name in EDITABLE}
        if changes:
            try:
                claim_update_validate(Claim.objects.get(pk=self.instance.pk), changes)
            except ClaimValidationError as error:
                _add_service_errors(self, error)
            except ClaimsError as error:
                self.add_error(None, error.message)
        return data


class NoteInlineForm(forms.ModelForm):
    default_renderer = DIRECT_RENDERER

    class Meta:
        model = ClaimNote
        fields = ["visibility", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 2, "cols": 60})}


class DocumentInlineForm(forms.ModelForm):
    default_renderer = DIRECT_RENDERER

    file = forms.FileField(validators=[validate_document])

    class Meta:
        model = ClaimDocument
        fields = ["doc_type", "file"]


class InformationRequestInlineForm(forms.ModelForm):
    default_renderer = DIRECT_RENDERER

    class Meta:
        model = InformationRequest
        fields = ["question", "due_date"]
        widgets = {"question": forms.Textarea(attrs={"rows": 2, "cols": 50})}

    def clean_due_date(self):
        due = self.cleaned_data["due_date"]
        if due and due < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."))
        return due
