"""The rules a policy must meet when it is sold. Used by ``policy_create`` and by the models'
``clean()``, so the admin and the service refuse the same things with the same words.

Each function returns messages; the callers put them under field names in a ValidationError.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Protocol

from django.utils.formats import date_format
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from coverage.models import DeductibleOption, Module, Product, SumInsuredOption
from language.money import format_amount

from .choices import TERM_CHOICES, Industry, ITSecurityCriterion, add_years

TERMS = tuple(value for value, _label in TERM_CHOICES)


class Applicant(Protocol):
    """What the rules read of a policyholder (``policies.models.Policyholder``)."""

    industry: str
    unattended_automated_production: bool


def _amounts(values: Iterable[Decimal]) -> str:
    return ", ".join(format_amount(value) for value in values)


def _date(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


def policyholder_errors(policyholder: Applicant) -> list[str]:
    """Why this policyholder cannot buy a policy here (empty: they can)."""
    if (
        policyholder.industry == Industry.MANUFACTURING
        and policyholder.unattended_automated_production
    ):
        return [_(
            "Manufacturing with unattended automated production is not sold; refer to the broker."
        )]
    if policyholder.industry == Industry.FINANCIAL_ADVICE:
        return [_(
            "Financial advisers need the separate application form; refer to the broker."
        )]
    return []


def term_errors(
    *, start_date: date, term_years: int, expiry_date: date
) -> dict[str, list[str]]:
    """Term 1 or 3 years; the expiry after the start, at most start + term, and late enough that
    the term keeps all its insurance years (a short first year is allowed, e.g. expiry moved to
    1 January)."""
    if term_years not in TERMS:
        return {"term_years": [_("The term must be %(choices)s years, not %(term)s.") % {
            "choices": get_text_list([str(term) for term in TERMS], _("or")),
            "term": term_years}]}
    if expiry_date <= start_date:
        return {"expiry_date": [
            _("The expiry (%(expiry)s) must be after the start (%(start)s).") % {
                "expiry": _date(expiry_date), "start": _date(start_date)}
        ]}
    latest = add_years(start_date, term_years)
    if expiry_date > latest:
        return {"expiry_date": [
            _("The expiry (%(expiry)s) is later than start + %(years)s year(s) (%(latest)s).") % {
                "expiry": _date(expiry_date), "years": term_years, "latest": _date(latest)}
        ]}
    earliest = add_years(start_date, term_years - 1)
    if expiry_date <= earliest:
        return {"expiry_date": [
            _("For a term of %(years)s year(s) the expiry must be after %(earliest)s: only the "
              "first insurance year may be short.") % {
                "years": term_years, "earliest": _date(earliest)}
        ]}
    return {}


def deductible_error(*, product: Product, deductible: Decimal) -> str | None:
    options = list(
        DeductibleOption.objects.filter(product=product).values_list("amount", flat=True)
    )
    if deductible in options:
        return None
    return _("A deductible of %(amount)s is not offered for %(product)s; choose one of "
             "%(options)s.") % {"amount": format_amount(deductible), "product": product.name,
                                "options": _amounts(options)}


def it_security_errors(
    *, product: Product, it_security_discount: bool, it_security_criterion: str
) -> list[str]:
    """Messages for ``it_security_criterion`` (the discount needs one of the criteria)."""
    if not it_security_discount:
        if it_security_criterion:
            return [_("A criterion is only recorded with the IT-security discount.")]
        return []
    if not product.it_security_discount:
        return [_("The IT-security discount is not offered for %(product)s.") % {
            "product": product.name}]
    if not it_security_criterion:
        return [_(
            "The IT-security discount needs a criterion (ISO 27001, an ISMS, ISIS12 or a recent "
            "pentest with all critical findings fixed)."
        )]
    if it_security_criterion not in ITSecurityCriterion.values:
        return [_("Unknown IT-security criterion '%(criterion)s'.") % {
            "criterion": it_security_criterion}]
    return []


def policy_errors(
    *,
    policyholder: Applicant | None,
    product: Product,
    start_date: date,
    term_years: int,
    expiry_date: date,
    deductible: Decimal,
    it_security_discount: bool,
    it_security_criterion: str,
) -> dict[str, list[str]]:
    """Everything wrong with the policy's own fields, by field name. ``policyholder`` None skips
    the policyholder check (an existing policy is not refused again)."""
    errors: dict[str, list[str]] = {}
    if policyholder is not None and (messages := policyholder_errors(policyholder)):
        errors["policyholder"] = messages
    errors.update(
        term_errors(start_date=start_date, term_years=term_years, expiry_date=expiry_date)
    )
    if message := deductible_error(product=product, deductible=deductible):
        errors["deductible"] = [message]
    if messages := it_security_errors(
        product=product,
        it_security_discount=it_security_discount,
        it_security_criterion=it_security_criterion,
    ):
        errors["it_security_criterion"] = messages
    return errors


def sum_insured_error(*, product: Product, amount: Decimal) -> str | None:
    options = list(
        SumInsuredOption.objects.filter(product=product).values_list("amount", flat=True)
    )
    if amount in options:
        return None
    return _("A sum insured of %(amount)s is not offered for %(product)s; choose one of "
             "%(options)s (more only on individual offer).") % {
        "amount": format_amount(amount), "product": product.name, "options": _amounts(options)}


def module_error(*, product: Product, module: Module) -> str | None:
    if module.product_id == product.pk:
        return None
    return _("Module '%(module)s' belongs to %(owner)s, not to %(product)s.") % {
        "module": module.code, "owner": module.product.name, "product": product.name}


def combination_errors(*, modules: Iterable[Module]) -> list[str]:
    """A policy needs its base module; every add-on needs the module it requires."""
    modules = list(modules)
    if not modules:
        return [_("Choose at least the base module.")]
    codes = {module.code for module in modules}
    errors = []
    for module in modules:
        if module.requires_id is not None and module.requires.code not in codes:
            errors.append(
                _("The add-on '%(value)s' can only be bought with '%(requires_name)s'.") % {
                    "value": module.short_name or module.name,
                    "requires_name": module.requires.name}
            )
    if not any(module.kind == Module.Kind.BASE for module in modules) and not errors:
        errors.append(_("Choose the base module."))
    return errors
