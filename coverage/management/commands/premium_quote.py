"""``manage.py premium_quote FILE``: quote a premium from a JSON request (``-`` reads stdin).

Input: ``{"product": "cyber", "revenue": "80000", "sum_insured": "100000", "addons": [],
"deductible": "1000", "term_years": 3, "it_security_discount": true}``, optionally
``"industry"``, ``"unattended_automated_production"``, ``"expiry_january_first"`` and
``"start_date"`` (YYYY-MM-DD). Output:
``{"years": [{"year": 1, "premium": "145.80"}, ...], "total": "453.60"}``. Bad input ends with
one line naming the field and a non-zero exit status.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from coverage.models import Product
from coverage.premium import QuoteError, quote_premium

FIELDS = ("product", "revenue", "sum_insured", "addons", "deductible", "term_years",
          "it_security_discount")
OPTIONAL = ("industry", "unattended_automated_production", "expiry_january_first", "start_date")


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError as error:
        raise CommandError(f"file: cannot read {path}: {error.strerror}") from None


def _request(text: str) -> dict:
    try:
        request = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"json: not valid JSON ({error.msg} at line {error.lineno} column {error.colno})"
        ) from None
    if not isinstance(request, dict):
        raise CommandError("json: expected an object with the fields " + ", ".join(FIELDS))
    for field in FIELDS:
        if field not in request:
            raise CommandError(f"{field}: missing field")
    for field in request:
        if field not in FIELDS + OPTIONAL:
            raise CommandError(f"{field}: unknown field")
    if not isinstance(request["term_years"], int) or isinstance(request["term_years"], bool):
        raise CommandError(f"term_years: {request['term_years']!r} is not a whole number of years")
    return request


def _date(value):
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CommandError(f"start_date: {value!r} is not a date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Quote the premium per insurance year for a JSON request (a file, or - for stdin)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON request file, or - to read standard input")

    def handle(self, *args, **options):
        request = _request(_read(options["file"]))
        product = Product.objects.filter(code=str(request["product"])).first()
        if product is None:
            codes = ", ".join(Product.objects.order_by("code").values_list("code", flat=True))
            raise CommandError(f"product: unknown product {request['product']!r}; choose {codes}")
        try:
            quote = quote_premium(
                product=product,
                revenue=request["revenue"],
                sum_insured=request["sum_insured"],
                addons=request["addons"],
                deductible=request["deductible"],
                term_years=request["term_years"],
                it_security_discount=request["it_security_discount"],
                industry=request.get("industry"),
                unattended_automated_production=request.get(
                    "unattended_automated_production", False),
                expiry_january_first=request.get("expiry_january_first", False),
                start_date=_date(request.get("start_date")),
            )
        except QuoteError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(json.dumps(quote.as_dict()))
