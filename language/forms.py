"""The one form field for money, used by the portal, the vendor portal and every admin form."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from language.money import AmountError, format_amount, parse_amount


class MoneyInput(forms.TextInput):
    """A text box (not type=number: a browser's number box refuses 1.400,50) showing the amount
    in the reader's format."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, (Decimal, int)):
            return format_amount(value, currency=False)
        return super().format_value(value)


class MoneyField(forms.Field):
    widget = MoneyInput
    default_error_messages = {
        "max_digits": _("The amount is too large."),
    }

    def __init__(self, *, max_value=None, min_value=None, max_digits=14, decimal_places=2,
                 localize=False, **kwargs):
        self.max_digits, self.decimal_places = max_digits, decimal_places
        widget = kwargs.get("widget")
        if isinstance(widget, forms.NumberInput) or (
                isinstance(widget, type) and issubclass(widget, forms.NumberInput)):
            kwargs.pop("widget")  # the admin's default; a number box refuses 1.400,50
        super().__init__(**kwargs)
        if max_value is not None:
            self.validators.append(validators.MaxValueValidator(max_value))
        if min_value is not None:
            self.validators.append(validators.MinValueValidator(min_value))

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        try:
            amount = parse_amount(value, decimal_places=self.decimal_places)
        except AmountError as error:
            raise ValidationError(error.message, code=error.code) from None
        whole_digits = len(amount.quantize(Decimal(1)).copy_abs().as_tuple().digits)
        if whole_digits > self.max_digits - self.decimal_places:
            raise ValidationError(self.error_messages["max_digits"], code="max_digits")
        return amount.quantize(Decimal(1).scaleb(-self.decimal_places))
