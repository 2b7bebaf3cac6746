"""Reading and writing amounts the way people type and read them.

``parse_amount`` accepts ``1400,50``, ``1.400,50``, ``1400.50`` and ``1,400.50`` (and whole
amounts) and refuses what could mean two different amounts (``1.400``, ``1,400``), more decimal
places than allowed, and any digit that is not ASCII 0-9 (full-width ``１２３``, Arabic-Indic
``١٢٣``), which Python's Decimal would otherwise silently accept.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import formats
from django.utils.translation import gettext_lazy as _

CURRENCY = re.compile(r"\s*(€|EUR)\s*", re.IGNORECASE)
PLAIN = re.compile(r"^\d+$")
COMMA_DECIMAL = re.compile(r"^\d+,\d+$")              # 1400,50
DOT_DECIMAL = re.compile(r"^\d+\.\d+$")               # 1400.50
DE_GROUPED = re.compile(r"^[1-9]\d{0,2}(\.\d{3})+(,\d+)?$")   # 1.400 / 1.400,50 / 1.400.000
EN_GROUPED = re.compile(r"^[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")   # 1,400 / 1,400.50 / 1,400,000


class AmountError(ValueError):
    def __init__(self, message, code: str):
        super().__init__(str(message))
        self.message = message
        self.code = code


def parse_amount(text: str, *, decimal_places: int = 2) -> Decimal:
    raw = CURRENCY.sub("", str(text).strip().replace("\u00a0", " ")).strip()
    if not raw:
        raise AmountError(_("Enter an amount."), "required")
    if not raw.isascii():
        raise AmountError(_("Type the amount with the digits 0-9 only (for example 1.400,50)."),
                          "non_ascii")
    sign = ""
    if raw[0] in "+-":
        sign, raw = ("-" if raw[0] == "-" else ""), raw[1:].strip()
    raw = raw.replace(" ", "")
    if PLAIN.match(raw):
        number = raw
    elif DE_GROUPED.match(raw) and ("," in raw or raw.count(".") > 1):
        number = raw.replace(".", "").replace(",", ".")
    elif EN_GROUPED.match(raw) and ("." in raw or raw.count(",") > 1):
        number = raw.replace(",", "")
    elif DE_GROUPED.match(raw) or EN_GROUPED.match(raw):
        # 1.400 or 1,400: a thousand or one point four? Ask rather than guess.
        raise AmountError(
            _("“%(value)s” is ambiguous (thousands or decimals?): write whole amounts without a "
              "separator (1400) or with the cents (1.400,00).") % {"value": text}, "ambiguous")
    elif COMMA_DECIMAL.match(raw):
        number = raw.replace(",", ".")
    elif DOT_DECIMAL.match(raw):
        number = raw
    else:
        raise AmountError(_("“%(value)s” is not an amount: write it like 1.400,50 or 1400,50.")
                          % {"value": text}, "invalid")
    if "." in number and len(number.split(".")[1]) > decimal_places:
        raise AmountError(_("Use at most %(places)d decimal places.") % {"places": decimal_places},
                          "max_decimal_places")
    try:
        return Decimal(sign + number)
    except InvalidOperation:  # pragma: no cover - the patterns only let digits through
        raise AmountError(_("“%(value)s” is not an amount.") % {"value": text}, "invalid") from None


def format_amount(value, *, currency: bool = True, places: int = 2) -> str:
    """``1.400,50 €`` in German, ``€1,400.50`` in English (the active language decides)."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return str(value)
    number = formats.number_format(amount, places, use_l10n=True, force_grouping=True)
    if not currency:
        return number
    if formats.get_format("DECIMAL_SEPARATOR") == ",":
        return f"{number}\u00a0€"
    return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"
