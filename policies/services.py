"""Writes about policyholders and policies: sell a policy, cancel it, let it expire.

Each business action is one transaction with its audit row inside it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from accounts.usernames import username_taken
from config.audit import audit_record
from coverage.models import Module, Product

from .models import (
    CoverageSection,
    InsuranceYearAccount,
    Policy,
    Policyholder,
    PolicyNumberCounter,
    add_years,
)
from .premiums import policy_premiums_store
from .validation import combination_errors, module_error, policy_errors, sum_insured_error


def _amount(value, *, field: str) -> Decimal:
    """``value`` as a Decimal amount, or a ValidationError on ``field``; never a float."""
    if isinstance(value, float):
        raise ValidationError({field: [_("Amounts are Decimal or strings, never floats.")]})
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("'%(value)s' is not an amount.") % {
                                           "value": value}]}) from None
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: [_("'%(value)s' is not an amount.") % {"value": value}]})
    return amount


def policy_number_next(*, product: Product, year: int) -> str:
    """The next free number for ``product`` in ``year``, e.g. ``CY-2026-000123``.

    The counter row is locked, so two sales at the same moment never get the same number.
    """
    prefix = product.policy_number_prefix or product.code[:2].upper()
    PolicyNumberCounter.objects.get_or_create(prefix=prefix, year=year)
    counter = PolicyNumberCounter.objects.select_for_update().get(prefix=prefix, year=year)
    while True:
        counter.last_value += 1
        number = f"{prefix}-{year}-{counter.last_value:06d}"
        if not Policy.objects.filter(number=number).exists():
            break
    counter.save(update_fields=["last_value"])
    return number


def _sections_checked(*, product: Product, sections: dict) -> list[tuple[Module, Decimal]]:
    """The sections as (module, sum insured), or a ValidationError under ``sections``."""
    errors: list[str] = []
    chosen: list[tuple[Module, Decimal]] = []
    modules = Module.objects.select_related("product", "requires").in_bulk(
        list(sections), field_name="code"
    )
    for code, sum_insured in sections.items():
        module = modules.get(code)
        if module is None:
            errors.append(_("Unknown module '%(code)s'.") % {"code": code})
            continue
        if message := module_error(product=product, module=module):
            errors.append(message)
            continue
        amount = _amount(sum_insured, field="sections")
        if message := sum_insured_error(product=product, amount=amount):
            errors.append(f"{module.name}: {message}")
        chosen.append((module, amount))
    if not errors:
        errors.extend(combination_errors(modules=[module for module, _amount in chosen]))
    if errors:
        raise ValidationError({"sections": errors})
    return chosen


def policy_create(
    *,
    policyholder: Policyholder,
    product: Product,
    start_date: date,
    term_years: int,
    deductible: Decimal,
    sections: dict[str, Decimal],
    it_security_discount: bool = False,
    it_security_criterion: str = "",
    expiry_date: date | None = None,
    number: str | None = None,
    created_by,
) -> Policy:
    """Sell ``product`` to ``policyholder``: the policy, one coverage section per module
    (``sections`` maps module code to sum insured) and an aggregate account for every insurance
    year of the term. Refuses with a ValidationError by field name what the rules do not allow.
    """
    deductible = _amount(deductible, field="deductible")
    if expiry_date is None and term_years in (1, 3):
        expiry_date = add_years(start_date, term_years)
    errors = policy_errors(
        policyholder=policyholder,
        product=product,
        start_date=start_date,
        term_years=term_years,
        expiry_date=expiry_date or add_years(start_date, 1),
        deductible=deductible,
        it_security_discount=it_security_discount,
        it_security_criterion=it_security_criterion,
    )
    try:
        chosen = _sections_checked(product=product, sections=sections)
    except ValidationError as error:
        errors.update(error.message_dict)
    if number is not None and Policy.objects.filter(number=number).exists():
        errors["number"] = [_("The policy number %(number)s is already taken.") % {
                                "number": number}]
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        policy = Policy.objects.create(
            number=number or policy_number_next(product=product, year=start_date.year),
            policyholder=policyholder,
            product=product,
            start_date=start_date,
            term_years=term_years,
            expiry_date=expiry_date,
            deductible=deductible,
            it_security_discount=it_security_discount,
            it_security_criterion=it_security_criterion if it_security_discount else "",
        )
        insurance_years = policy.insurance_years()
        for module, sum_insured in chosen:
            section = CoverageSection.objects.create(
                policy=policy,
                module=module,
                sum_insured=sum_insured,
                aggregate_factor=product.aggregate_factor,
                deductible=deductible,
            )
            InsuranceYearAccount.objects.bulk_create(
                InsuranceYearAccount(
                    section=section,
                    year=year,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    limit=section.aggregate_limit,
                )
                for year, starts_on, ends_on in insurance_years
            )
        premiums = policy_premiums_store(policy=policy)
        audit_record(
            actor=created_by,
            action="policy.created",
            obj=policy,
            to_value=policy.status,
            payload={
                "product": product.code,
                "policyholder": policyholder.pk,
                "start_date": start_date,
                "expiry_date": expiry_date,
                "term_years": term_years,
                "deductible": deductible,
                "sections": {module.code: amount for module, amount in chosen},
                "it_security_discount": it_security_discount,
                "it_security_criterion": policy.it_security_criterion,
                "premiums": {row.year: row.premium for row in premiums},
            },
        )
    return policy


def policy_cancel(*, policy: Policy, cancelled_from: date, cancelled_by, reason: str) -> Policy:
    """Cancel ``policy``: no cover for losses from ``cancelled_from`` on."""
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Say why the policy is cancelled.")]
    if cancelled_from < policy.start_date or cancelled_from > policy.expiry_date:
        errors["cancelled_from"] = [
            _("The cancellation date must lie between the start (%(start_date)s) and the "
              "expiry (%(expiry_date)s).") % {
                "start_date": format(policy.start_date, '%d.%m.%Y'),
                "expiry_date": format(policy.expiry_date, '%d.%m.%Y')}
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=policy.pk)
        if policy.status == Policy.Status.CANCELLED:
            raise ValidationError(
                {"status": [_("Policy %(policy)s is already cancelled.") % {
                                "policy": policy.number}]}
            )
        previous = policy.status
        policy.status = Policy.Status.CANCELLED
        policy.cancelled_from = cancelled_from
        policy.save(update_fields=["status", "cancelled_from"])
        audit_record(
            actor=cancelled_by,
            action="policy.cancelled",
            obj=policy,
            from_value=previous,
            to_value=policy.status,
            reason=reason,
            payload={"cancelled_from": cancelled_from},
        )
    return policy


def policies_expire_due(*, today: date | None = None) -> int:
    """Mark every active policy whose expiry date has come as expired; returns how many.
    Idempotent: an expired policy is not touched again."""
    today = today or timezone.localdate()
    expired = 0
    due = Policy.objects.filter(status=Policy.Status.ACTIVE, expiry_date__lte=today)
    for pk in due.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            policy = (
                Policy.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=Policy.Status.ACTIVE, expiry_date__lte=today)
                .first()
            )
            if policy is None:
                continue
            policy.status = Policy.Status.EXPIRED
            policy.save(update_fields=["status"])
            audit_record(
                actor=None,
                action="policy.expired",
                obj=policy,
                from_value=Policy.Status.ACTIVE,
                to_value=Policy.Status.EXPIRED,
                payload={"expiry_date": policy.expiry_date, "today": today},
            )
            expired += 1
    return expired


def policyholder_create(
    *,
    company_name: str,
    email: str,
    industry: str,
    annual_revenue: Decimal,
    contact_name: str = "",
    phone: str = "",
    street: str = "",
    postcode: str = "",
    city: str = "",
    country: str = "DE",
    region: str = "",
    unattended_automated_production: bool = False,
    username: str | None = None,
    password: str | None = None,
    created_by,
) -> Policyholder:
    """A policyholder, with a portal login when ``username`` is given."""
    policyholder = Policyholder(
        company_name=company_name,
        contact_name=contact_name,
        email=email,
        phone=phone,
        industry=industry,
        unattended_automated_production=unattended_automated_production,
        annual_revenue=_amount(annual_revenue, field="annual_revenue"),
        street=street,
        postcode=postcode,
        city=city,
        country=country,
        region=region,
    )
    policyholder.full_clean(exclude=["user"])
    User = get_user_model()
    if username and username_taken(username):
        raise ValidationError({"username": [
            gettext("The username %(username)s is already taken.") % {"username": username}]})
    with transaction.atomic():
        if username:
            first, _, last = contact_name.partition(" ")
            user = User(username=username, email=email, first_name=first, last_name=last)
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save()
            policyholder.user = user
        policyholder.save()
        audit_record(
            actor=created_by,
            action="policyholder.created",
            obj=policyholder,
            payload={"industry": industry, "username": username or ""},
        )
    return policyholder
