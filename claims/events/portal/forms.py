"""The portal's forms for events: the short report form and the policy's IT dependencies."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.portal.forms import LossTypeChoiceField, PolicyChoiceField
from claims.portal.selectors import loss_types_by_policy, reportable_policies
from coverage.models import LossType

from ..models import CyberEvent
from ..selectors import event_report_loss_types


class EventReportForm(forms.Form):
    """Affected by the event: the cause is filled in, the policyholder says when and how."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    policy = PolicyChoiceField(queryset=None, label=_("Which policy?"),
                               widget=forms.RadioSelect, empty_label=None)
    loss_type = LossTypeChoiceField(queryset=LossType.objects.none(), label=_("What happened?"),
                                    widget=forms.RadioSelect, empty_label=None)
    loss_date = forms.DateField(label=_("When did it hit you?"),
                                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    description = forms.CharField(
        label=_("Tell us what is affected"), widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Which systems, since when, what you have done so far."))
    emergency = forms.BooleanField(
        required=False, label=_("Our systems are down right now (emergency)"),
        help_text=_("We treat the claim as an emergency and call you within the hour."))
    estimated_amount = forms.DecimalField(
        required=False, min_value=0, max_digits=14, decimal_places=2,
        label=_("Estimated amount in EUR (if you know it)"),
        widget=forms.NumberInput(attrs={"step": "0.01", "min": "0", "inputmode": "decimal"}))

    def __init__(self, *args, holder, event: CyberEvent, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        causes = event_report_loss_types(event)
        policies = reportable_policies(holder=holder)
        self.covered = loss_types_by_policy(policies=list(policies))
        cause_ids = {cause.pk for cause in causes}
        self.fields["policy"].queryset = policies.filter(
            pk__in=[pk for pk, covered in self.covered.items() if covered & cause_ids])
        self.fields["loss_type"].queryset = LossType.objects.filter(pk__in=cause_ids)
        first, _last = event.window()
        today = timezone.localdate()
        self.fields["loss_date"].widget.attrs.update(min=first.isoformat(),
                                                     max=today.isoformat())
        if causes:
            self.fields["loss_type"].initial = causes[0].pk
        self.fields["loss_date"].initial = today
        self.fields["description"].initial = _("Hit by %(event)s: ") % {"event": event.name}

    def clean_loss_date(self):
        loss_date = self.cleaned_data["loss_date"]
        if loss_date > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return loss_date

    def clean(self):
        data = super().clean()
        policy, loss_type = data.get("policy"), data.get("loss_type")
        if policy is not None and loss_type is not None and \
                loss_type.pk not in self.covered.get(policy.pk, set()):
            self.add_error("loss_type", _("This policy does not cover this kind of loss."))
        return data


class DependenciesForm(forms.Form):
    providers = forms.CharField(
        required=False, label=_("IT providers you depend on"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: cloud, hosting, e-mail, managed IT services."))
    software = forms.CharField(
        required=False, label=_("Software you depend on"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: the programs your business cannot work without."))

    def dependencies(self) -> list[dict]:
        return [
            {"kind": kind, "name": line.strip()}
            for kind, field in (("provider", "providers"), ("software", "software"))
            for line in self.cleaned_data[field].splitlines() if line.strip()
        ]
