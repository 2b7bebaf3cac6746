"""Premium quotes from the rate table.

Per insurance year: the rate cells of the base module and the chosen add-ons (at the revenue band
and sum insured) added up, times the deductible's premium factor, times (1 - IT-security discount)
in the first discount years when it is chosen, times (1 - multi-year discount) for the multi-year
term; a short first year (expiry moved to 1 January) pro rata by days (*assumed*); rounded half-up
to cents per year and never below the product's minimum premium (cyber: 145.80, the seed's
floor). ``premium_years`` is the arithmetic alone (no database);
``quote_premium`` looks the numbers up in the catalogue and refuses what is not offered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from django.db.models import Q

from policies.choices import Industry

from .models import DeductibleOption, Module, Product, RateCell, RevenueBand, SumInsuredOption
from .money import ZERO, fmt, money

ONE = Decimal("1")


class QuoteError(ValueError):
    """Input a quote cannot be given for; ``field`` names the input at fault."""

    def __init__(self, field: str, message: str):
        super().__init__(field, message)
        self.field = field
        self.message = message

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class YearPremium:
    year: int
    premium: Decimal


@dataclass(frozen=True)
class Quote:
    annual_base: Decimal
    years: tuple[YearPremium, ...]
    total: Decimal
    expiry_date: date | None = None

    def as_dict(self) -> dict:
        result = {
            "years": [{"year": item.year, "premium": fmt(item.premium)} for item in self.years],
            "total": fmt(self.total),
        }
        if self.expiry_date is not None:
            result["expiry_date"] = self.expiry_date.isoformat()
        return result


def premium_years(
    *,
    annual_base: Decimal,
    deductible_factor: Decimal,
    term_years: int,
    it_security_discount: Decimal,
    it_security_discount_years: int,
    multi_year_term: int,
    multi_year_discount: Decimal,
    minimum_premium: Decimal | None = None,
    first_year_fraction: Fraction | None = None,
) -> list[Decimal]:
    """The premium of every insurance year of the term; ``it_security_discount`` is the fraction
    off (zero when the discount is not chosen); ``first_year_fraction`` the share of a full year
    a short first year has; no year below ``minimum_premium``."""
    premiums = []
    for year in range(1, term_years + 1):
        premium = annual_base * deductible_factor
        if year <= it_security_discount_years:
            premium *= ONE - it_security_discount
        if term_years == multi_year_term:
            premium *= ONE - multi_year_discount
        if year == 1 and first_year_fraction is not None and first_year_fraction < 1:
            premium = premium * first_year_fraction.numerator / first_year_fraction.denominator
        premium = money(premium)
        if minimum_premium is not None and premium < minimum_premium:
            premium = money(minimum_premium)
        premiums.append(premium)
    return premiums


def industry_refusal(*, industry: str, unattended_automated_production: bool) -> str | None:
    """The seed's reason an industry is not quoted online (None: it is)."""
    if industry == Industry.MANUFACTURING and unattended_automated_production:
        return ("manufacturing with unattended automated production is not sold through the "
                "online calculator; refer to the broker.")
    if industry == Industry.FINANCIAL_ADVICE:
        return "financial advisers get a separate application form; refer to the broker."
    return None


def first_year_fraction(*, start_date: date, term_years: int) -> tuple[date, Fraction]:
    """With the expiry moved to 1 January: the expiry and the first (short) year's share of a
    full year, by days."""
    expiry = date(start_date.year + term_years, 1, 1)
    if start_date.month == 1 and start_date.day == 1:
        return expiry, Fraction(1)
    year_end = date(start_date.year + 1, 1, 1)
    days_in_year = (year_end - date(start_date.year, 1, 1)).days
    return expiry, Fraction((year_end - start_date).days, days_in_year)


def _amount(value, *, field: str) -> Decimal:
    if isinstance(value, bool | float):
        raise QuoteError(field, f"{value!r} is not an amount (give a string or a whole number).")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, TypeError, ValueError):
        raise QuoteError(field, f"{value!r} is not a number.") from None
    if not amount.is_finite():
        raise QuoteError(field, f"{value!r} is not a number.")
    if amount < 0:
        raise QuoteError(field, f"{value} must not be negative.")
    return money(amount)


def _choices(values: Iterable[Decimal]) -> str:
    return ", ".join(fmt(value) for value in values)


def _addons(*, product: Product, addons: list[str]) -> list[Module]:
    if not isinstance(addons, list | tuple) or not all(isinstance(code, str) for code in addons):
        raise QuoteError("addons", "give a list of add-on module codes.")
    if len(set(addons)) != len(addons):
        raise QuoteError("addons", "an add-on is listed twice.")
    found = Module.objects.select_related("product").in_bulk(list(addons), field_name="code")
    modules = []
    for code in addons:
        module = found.get(code)
        if module is None:
            raise QuoteError("addons", f"unknown add-on '{code}'.")
        if module.product_id != product.pk:
            raise QuoteError(
                "addons", f"'{code}' is an add-on of {module.product.name}, not of {product.name}."
            )
        if module.kind != Module.Kind.ADDON:
            raise QuoteError("addons", f"'{code}' is the base module, not an add-on.")
        modules.append(module)
    return modules


def quote_premium(
    *,
    product: Product,
    revenue,
    sum_insured,
    addons: list[str],
    deductible,
    term_years: int,
    it_security_discount: bool,
    industry: str | None = None,
    unattended_automated_production: bool = False,
    expiry_january_first: bool = False,
    start_date: date | None = None,
) -> Quote:
    """The premium per insurance year and in total; raises ``QuoteError`` naming the field.
    ``industry``: refused with the seed's reason where it is not sold online;
    ``expiry_january_first``: the expiry moved to 1 January (a short first year from
    ``start_date``, default today)."""
    if industry is not None:
        if industry not in Industry.values:
            raise QuoteError("industry", f"unknown industry {industry!r}; choose "
                             + ", ".join(Industry.values) + ".")
        refusal = industry_refusal(
            industry=industry, unattended_automated_production=bool(
                unattended_automated_production))
        if refusal:
            raise QuoteError("industry", refusal)
    if not isinstance(expiry_january_first, bool):
        raise QuoteError("expiry_january_first", "give true or false.")
    revenue = _amount(revenue, field="revenue")
    sum_insured = _amount(sum_insured, field="sum_insured")
    deductible = _amount(deductible, field="deductible")
    terms = sorted({1, product.multi_year_term})
    if isinstance(term_years, bool) or term_years not in terms:
        raise QuoteError(
            "term_years", f"{term_years!r} is not offered; choose {' or '.join(map(str, terms))}."
        )
    if not isinstance(it_security_discount, bool):
        raise QuoteError("it_security_discount", "give true or false.")
    if it_security_discount and not product.it_security_discount:
        raise QuoteError("it_security_discount", f"not offered for {product.name}.")

    sums = list(SumInsuredOption.objects.filter(product=product).values_list("amount", flat=True))
    if sum_insured not in sums:
        raise QuoteError(
            "sum_insured",
            f"{fmt(sum_insured)} is not offered for {product.name}; choose {_choices(sums)}.",
        )
    options = {option.amount: option for option in DeductibleOption.objects.filter(product=product)}
    if deductible not in options:
        raise QuoteError(
            "deductible",
            f"{fmt(deductible)} is not offered for {product.name}; choose {_choices(options)}.",
        )
    band = (
        RevenueBand.objects.filter(product=product, lower__lte=revenue)
        .filter(Q(upper__isnull=True) | Q(upper__gte=revenue))
        .order_by("-lower")
        .first()
    )
    if band is None:
        raise QuoteError("revenue", f"no revenue band of {product.name} holds {fmt(revenue)}.")
    modules = [*Module.objects.filter(product=product, kind=Module.Kind.BASE)]
    modules += _addons(product=product, addons=addons)

    annual_base = ZERO
    for module in modules:
        cell = RateCell.objects.filter(
            module=module, revenue_band=band, sum_insured=sum_insured
        ).first()
        if cell is None:
            raise QuoteError(
                "sum_insured",
                f"no rate for {module.name} at {fmt(sum_insured)} in band {band}; "
                "individual offer only.",
            )
        annual_base += cell.annual_premium

    expiry, fraction = None, None
    if expiry_january_first:
        from django.utils import timezone

        start = start_date or timezone.localdate()
        if not isinstance(start, date):
            raise QuoteError("start_date", "give a date (YYYY-MM-DD).")
        if start.year + term_years > date.max.year:
            raise QuoteError("start_date", f"{start.isoformat()} is too far in the future.")
        expiry, fraction = first_year_fraction(start_date=start, term_years=term_years)
    premiums = premium_years(
        minimum_premium=product.minimum_premium,
        first_year_fraction=fraction,
        annual_base=annual_base,
        deductible_factor=options[deductible].premium_factor,
        term_years=term_years,
        it_security_discount=product.it_security_discount if it_security_discount else ZERO,
        it_security_discount_years=product.it_security_discount_years,
        multi_year_term=product.multi_year_term,
        multi_year_discount=product.multi_year_discount,
    )
    return Quote(
        annual_base=annual_base,
        years=tuple(
            YearPremium(year=year, premium=premium)
            for year, premium in enumerate(premiums, start=1)
        ),
        total=money(sum(premiums, ZERO)),
        expiry_date=expiry,
    )
