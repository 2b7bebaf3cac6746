"""``manage.py settlement_preview FILE``: the settlement of one claim, from a JSON file (``-``:
stdin) to a JSON object on stdout. Pure arithmetic (``coverage.settlement``); no database.

Input (optional fields shown with their defaults)::

    {"sum_insured": "100000.00", "deductible": "1000.00",
     "lines": [{"category": "forensics", "amount": "8000.00"}],
     "aggregate_factor": 2, "deductible_rule": "standard", "first_8_hours_loss": null,
     "deductible_exempt": ["emergency_assistance"], "sublimits": {},
     "aggregate_committed": "0.00", "claim_committed": "0.00"}

Amounts are strings like ``"1000.00"`` or JSON numbers, read exactly (never as floats), at most two
decimal places. Invalid input is a ``CommandError`` of one line naming the field.
"""

import json
import sys
from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from coverage.settlement import (
    CostLine,
    SettlementInputError,
    SettlementTerms,
    calculate_settlement,
)

REQUIRED = ("sum_insured", "deductible", "lines")
OPTIONAL = (
    "aggregate_factor",
    "deductible_rule",
    "first_8_hours_loss",
    "deductible_exempt",
    "sublimits",
    "aggregate_committed",
    "claim_committed",
)
DEFAULT_EXEMPT = ("emergency_assistance",)
LINE_FIELDS = ("category", "amount")


class Command(BaseCommand):
    help = "Preview the settlement of one claim from a JSON file ('-' reads stdin)."
    requires_system_checks = []
    stealth_options = ("stdin",)

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file with terms and cost lines, or '-' for stdin")

    def handle(self, *args, **options):
        text = _read(options["file"], options.get("stdin") or sys.stdin)
        try:
            document = _parse(text)
            result = calculate_settlement(
                _terms(document),
                _lines(document["lines"]),
                aggregate_committed=_amount("aggregate_committed", document, default="0.00"),
                claim_committed=_amount("claim_committed", document, default="0.00"),
            )
        except SettlementInputError as error:
            raise CommandError(_one_line(str(error))) from error
        self.stdout.write(json.dumps(result.to_dict(), indent=2))


def _read(path: str, stdin) -> str:
    if path == "-":
        return stdin.read()
    try:
        with open(path, encoding="utf-8") as file:
            return file.read()
    except OSError as error:
        raise CommandError(f"file: cannot read {path!r}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise CommandError(f"file: {path!r} is not UTF-8 text") from error


def _parse(text: str) -> dict:
    def refuse_constant(name: str):
        raise SettlementInputError("input", f"not valid JSON: {name} is not a number")

    try:
        document = json.loads(text, parse_float=Decimal, parse_constant=refuse_constant)
    except json.JSONDecodeError as error:
        raise SettlementInputError(
            "input", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from error
    if not isinstance(document, dict):
        raise SettlementInputError("input", "must be a JSON object")
    for key in document:
        if key not in REQUIRED + OPTIONAL:
            raise SettlementInputError(key, "unknown field")
    for key in REQUIRED:
        if document.get(key) is None:
            raise SettlementInputError(key, "required")
    return document


def _terms(document: dict) -> SettlementTerms:
    factor = document.get("aggregate_factor", 2)
    if factor is None:
        factor = 2
    if isinstance(factor, bool) or not isinstance(factor, int):
        raise SettlementInputError("aggregate_factor", "must be a whole number such as 2")
    rule = document.get("deductible_rule")
    if rule is None:
        rule = "standard"
    if not isinstance(rule, str):
        raise SettlementInputError("deductible_rule", "must be 'standard' or 'first_8_hours'")
    return SettlementTerms(
        sum_insured=_amount("sum_insured", document),
        deductible=_amount("deductible", document),
        aggregate_factor=factor,
        deductible_rule=rule,
        first_8_hours_loss=_amount("first_8_hours_loss", document, default=None),
        deductible_exempt=_exempt(document.get("deductible_exempt")),
        sublimits=_sublimits(document.get("sublimits")),
    )


def _exempt(codes) -> frozenset[str]:
    if codes is None:
        return frozenset(DEFAULT_EXEMPT)
    if not isinstance(codes, list):
        raise SettlementInputError("deductible_exempt", "must be a list of category codes")
    for index, code in enumerate(codes):
        if not isinstance(code, str) or not code.strip():
            raise SettlementInputError(f"deductible_exempt[{index}]", "must be a category code")
    return frozenset(codes)


def _sublimits(sublimits) -> dict[str, Decimal]:
    if sublimits is None:
        return {}
    if not isinstance(sublimits, dict):
        raise SettlementInputError(
            "sublimits", 'must be an object of category codes and amounts, e.g. {"x": "2500.00"}'
        )
    return {code: _amount(code, sublimits, prefix="sublimits.") for code in sublimits}


def _lines(lines) -> list[CostLine]:
    if not isinstance(lines, list):
        raise SettlementInputError("lines", "must be a list of cost lines")
    result = []
    for index, line in enumerate(lines):
        prefix = f"lines[{index}]."
        if not isinstance(line, dict):
            raise SettlementInputError(f"lines[{index}]", 'must be {"category": .., "amount": ..}')
        for key in line:
            if key not in LINE_FIELDS:
                raise SettlementInputError(f"{prefix}{key}", "unknown field")
        category = line.get("category")
        if not isinstance(category, str) or not category.strip():
            message = "required" if category is None else "must be a category code"
            raise SettlementInputError(f"{prefix}category", message)
        result.append(CostLine(category, _amount("amount", line, prefix=prefix)))
    return result


def _amount(key: str, container: dict, *, default: object = ..., prefix: str = ""):
    """The amount at ``container[key]``: a string or JSON number read exactly as a Decimal.
    Range and decimal places are the settlement's to check (the same field names)."""
    field = f"{prefix}{key}"
    value = container.get(key)
    if value is None:
        if default is ...:
            raise SettlementInputError(field, "required")
        return None if default is None else Decimal(default)
    if isinstance(value, bool) or not isinstance(value, str | int | Decimal):
        raise SettlementInputError(field, 'must be an amount such as "1000.00"')
    if isinstance(value, str):
        try:
            value = Decimal(value.strip())
        except InvalidOperation:
            raise SettlementInputError(field, f"not an amount: {value!r}") from None
    value = Decimal(value)
    if not value.is_finite():
        raise SettlementInputError(field, f"not an amount: {value}")
    return value


def _one_line(message: str) -> str:
    return " ".join(message.split())
