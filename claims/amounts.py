"""Amounts as people and programs type them: ASCII digits with at most two decimals, nothing else
(no ``１２３``, ``١٢٣``, ``1_000``, ``1e2`` or ``NaN``, which Python's ``Decimal`` would take), and
``-0`` is 0.00. ``MAX_AMOUNT`` bounds what any single amount may be, so sums and previews never
overflow the 14-digit money columns."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from coverage.money import money
from language.forms import MoneyField

# Far above any sum insured (the largest is a few million): one cost line, reserve, estimate or
# invoice of more is a typing error, and refusing it keeps every total within the columns.
MAX_AMOUNT = Decimal("100000000.00")
# What all cost lines of one claim may add up to, so the settlement preview never overflows.
MAX_CLAIM_TOTAL = Decimal("1000000000.00")
API_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"
_API = re.compile(API_PATTERN, re.ASCII)
_FORM = re.compile(r"^-?[0-9]{1,12}([.,][0-9]{1,2})?$", re.ASCII)
INVALID = gettext_lazy("Enter an amount in digits 0-9 with at most two decimals, such as 1250.50.")


def _parse(text: str, pattern: re.Pattern) -> Decimal:
    text = text.strip()
    if not pattern.fullmatch(text):
        raise ValidationError(INVALID, code="invalid")
    value = money(Decimal(text.replace(",", ".")))
    return value if value != 0 else Decimal("0.00")  # -0 is 0.00


def _bounds(value: Decimal, *, min_value, max_value) -> None:
    if min_value is not None and value < min_value:
        raise ValidationError(_("The amount must be at least %(min_value)s.") % {
                                  "min_value": format(min_value, ',.2f')}, code="min_value")
    if max_value is not None and value > max_value:
        raise ValidationError(_("The amount must not exceed %(max_value)s.") % {
                                  "max_value": format(max_value, ',.2f')}, code="max_value")


@extend_schema_field({"type": "string", "format": "decimal", "pattern": API_PATTERN,
                      "example": "1250.50"})
class AmountField(serializers.Field):
    """An API amount: a JSON string such as ``"1250.50"``."""

    def __init__(self, *, min_value: Decimal | None = Decimal("0"),
                 max_value: Decimal | None = MAX_AMOUNT, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            raise serializers.ValidationError(_("%(invalid)s Send it as a string "
                                                "(\"1250.50\").") % {
                                                  "invalid": INVALID})
        try:
            value = _parse(data, _API)
            _bounds(value, min_value=self.min_value, max_value=self.max_value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return value

    def to_representation(self, value):
        return None if value is None else f"{money(value):.2f}"


class AmountFormField(MoneyField):
    """A form amount: the one money field (language.forms.MoneyField: 1400,50, 1.400,50 and
    1400.50; no ambiguous or non-ASCII digits), between 0 and ``MAX_AMOUNT`` unless told."""

    def __init__(self, *, min_value=Decimal("0"), max_value=MAX_AMOUNT, **kwargs):
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(min_value=min_value, max_value=max_value, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return None if value is None else (value if value != 0 else Decimal("0.00"))
