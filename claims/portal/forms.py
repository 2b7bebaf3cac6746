"""The portal's forms. Choices come from the caller's own data only, and everything a browser can
change is validated again on the server (a tampered policy id is just an invalid choice)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from claims.amounts import AmountFormField
from claims.api.serializers.common import TEXT_MAX
from claims.exceptions import ClaimValidationError
from claims.services.report import claim_report_validate
from claims.uploads import EXTENSIONS, inspect_upload
from coverage.models import LossType
from policies.models import Policyholder

from .selectors import loss_types_by_policy, reportable_policies

ACCEPT = ",".join(f".{extension}" for extensions in EXTENSIONS.values() for extension in extensions)


def max_files() -> int:
    """How many files one form may carry (``PORTAL_MAX_FILES``)."""
    return getattr(settings, "PORTAL_MAX_FILES", 10)


def upload_help() -> str:
    return _("PDF, images (PNG, JPEG, GIF), text, CSV, Word or Excel; up to %(size)s per file, "
             "%(count)d files at most.") % {"size": filesizeformat(settings.DOCUMENT_MAX_BYTES),
                                            "count": max_files()}


lazy_upload_help = lazy(upload_help, str)()


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by its content (``claims.uploads``) and a
    refused file is named in the error."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT}))
        kwargs.setdefault("help_text", lazy_upload_help)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [item for item in (data if isinstance(data, list | tuple) else [data]) if item]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        if len(uploads) > max_files():
            raise ValidationError(_("At most %(count)d files at once, please.")
                                  % {"count": max_files()}, code="too_many")
        problems = []
        for upload in uploads:
            try:
                inspect_upload(upload)
            except ValidationError as error:
                problems.extend(error.messages)
        if problems:
            raise ValidationError(problems)
        return uploads


class PolicyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, policy):
        return _("%(product)s, policy %(number)s") % {"product": policy.product.name,
                                                      "number": policy.number}


class LossTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, loss_type):
        text = loss_type.plain_description
        return text[:1].upper() + text[1:]


CLAIMANT_FIELDS = ("claimant_name", "claimant_email", "claimant_address")


class ReportForm(forms.Form):
    """First notice of loss, in the policyholder's words."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput)
    policy = PolicyChoiceField(
        queryset=None, label=_(
            "Which policy?"), widget=forms.RadioSelect, empty_label=None
    )
    loss_type = LossTypeChoiceField(
        queryset=LossType.objects.none(), label=_(
            "What happened?"), widget=forms.RadioSelect,
        empty_label=None,
    )
    loss_date = forms.DateField(
        label=_("When did it happen?"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The day of the incident, or the day you first noticed it."),
    )
    description = forms.CharField(
        max_length=10000,
        label=_("Tell us what happened"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What you saw, what is affected, what you have done so far."),
    )
    emergency = forms.BooleanField(
        required=False, label=_("Our systems are down right now (emergency)"),
        help_text=_("We treat the claim as an emergency and call you within the hour."),
    )
    estimated_amount = AmountFormField(
        required=False,
        label=_("Estimated amount in € (if you know it)"),
        help_text=pgettext_lazy("money input", "For example 1.400,50"),
    )
    claimant_name = forms.CharField(
        required=False, max_length=200, label=_(
            "Who claims against you? (name or company)")
    )
    claimant_email = forms.EmailField(required=False, label=_("Their email address"))
    claimant_address = forms.CharField(
        max_length=2000,
        required=False, label=_("Their postal address"), widget=forms.Textarea(attrs={"rows": 3})
    )
    first_8_hours_loss = AmountFormField(
        required=False,
        label=_("Business interruption: what did you lose in the first 8 hours? (€)"),
        help_text=_("Only if your business stood still: the profit lost in the first 8 hours of "
                    "the interruption. Your business-interruption deductible is at least this."),
    )
    documents = MultipleFileField(required=False, label=_("Evidence"))

    def __init__(self, *args, holder: Policyholder, **kwargs):
        super().__init__(*args, **kwargs)
        self.holder = holder
        policies = reportable_policies(holder=holder)
        self.fields["policy"].queryset = policies
        self.covered = loss_types_by_policy(policies=list(policies))
        self.fields["loss_type"].queryset = LossType.objects.filter(
            modules__sections__policy__in=policies
        ).distinct().order_by("third_party", "name_en")
        self.fields["loss_date"].widget.attrs["max"] = timezone.localdate().isoformat()
        # Not optional but conditional: a claim from a third party needs its name and one way
        # to reach them (email or postal address); the labels say so instead of "(optional)".
        for name in CLAIMANT_FIELDS:
            self.fields[name].required_with = "third_party"
        self.fields["claimant_name"].help_text = _("Needed when someone claims against you.")
        for name in ("claimant_email", "claimant_address"):
            self.fields[name].help_text = _("Give at least one of the two: their email address "
                                            "or their postal address.")

    def clean_loss_date(self):
        loss_date = self.cleaned_data["loss_date"]
        if loss_date > timezone.localdate():
            raise ValidationError(_("The date cannot be in the future."))
        return loss_date

    def clean(self):
        data = super().clean()
        policy, loss_type = data.get("policy"), data.get("loss_type")
        if policy is not None and loss_type is not None:
            if loss_type.pk not in self.covered.get(policy.pk, set()):
                self.add_error(
                    "loss_type",
                    _("Your policy %(number)s (%(product)s) does not cover this. Choose the policy "
                      "that does, or call us if you are unsure.") % {
                        "number": policy.number, "product": policy.product.name},
                )
            elif "loss_date" in data and "description" in data:
                self._service_rules(data, loss_type)
        if loss_type is not None and not loss_type.third_party:
            for name in CLAIMANT_FIELDS:
                data[name] = ""
        return data

    def _service_rules(self, data, loss_type) -> None:
        """The claims service's own rules, shown next to their fields."""
        try:
            claim_report_validate(
                loss_type=loss_type, loss_date=data["loss_date"], description=data["description"],
                estimated_amount=data.get("estimated_amount"),
                claimant_name=data.get("claimant_name", ""),
                claimant_email=data.get("claimant_email", ""),
                claimant_address=data.get("claimant_address", ""), today=timezone.localdate(),
            )
        except ClaimValidationError as error:
            add_service_errors(self, error)


def add_service_errors(form: forms.Form, error: ClaimValidationError) -> None:
    """Put a claims service's validation errors next to the form's fields (others on top)."""
    aliases = {"file": "documents"}
    for field, messages in error.errors.items():
        name = aliases.get(field, field)
        target = name if name in form.fields else None
        for message in messages:
            form.add_error(target, message)


class AnswerForm(forms.Form):
    answer = forms.CharField(max_length=TEXT_MAX, label=_("Your answer"),
                             widget=forms.Textarea(attrs={"rows": 4}))
    documents = MultipleFileField(required=False, label=_("Attach documents"))


class DocumentsForm(forms.Form):
    documents = MultipleFileField(label=_("Add documents"))


class MessageForm(forms.Form):
    text = forms.CharField(
        label=_(
            "Your message"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_(
            "Why do you withdraw the claim?"), widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
