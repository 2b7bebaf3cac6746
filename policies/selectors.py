"""Reads about policies: which section and insurance-year account cover a loss, and the state of
every aggregate account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, IntegerField, Value, When
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coverage.models import LossType, Module

from .models import CoverageSection, InsuranceYearAccount, Policy


class NoCover(Exception):
    """The policy gives no cover for this loss; ``code`` says why (English, for programs),
    ``message`` in words (in the active language when raised)."""

    CODES = (
        "policy_cancelled",
        "before_start",
        "after_expiry",
        "no_section_for_loss_type",
        "no_insurance_year",
    )

    def __init__(self, code: str, message: str):
        super().__init__(code, message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


def _date(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


@dataclass(frozen=True)
class Cover:
    section: CoverageSection
    account: InsuranceYearAccount
    insurance_year: int


def _section_for(*, policy: Policy, loss_type: LossType | str | None) -> CoverageSection:
    sections = policy.sections.all()
    if loss_type is None:
        section = sections.base_first().first()
        if section is None:
            raise NoCover("no_section_for_loss_type", _("Policy %(policy)s has no sections.") % {
                "policy": policy.number})
        return section
    if isinstance(loss_type, str):
        loss_type = LossType.objects.filter(code=loss_type).first()
        if loss_type is None:
            raise NoCover("no_section_for_loss_type", _("Unknown loss type."))
    section = sections.covering(loss_type).base_first().first()
    if section is None:
        raise NoCover(
            "no_section_for_loss_type",
            _("Policy %(policy)s has no module covering '%(loss_type)s'.") % {
                "policy": policy.number, "loss_type": loss_type.name},
        )
    return section


def cover_for_loss(
    *, policy: Policy, loss_date: date, loss_type: LossType | str | None = None
) -> Cover:
    """The section and insurance-year account of ``policy`` that cover a loss on ``loss_date``.

    A policy covers ``start_date <= loss_date < expiry_date``, except from ``cancelled_from`` on.
    With no ``loss_type`` the base module's section is used. Raises ``NoCover``.
    """
    if loss_date < policy.start_date:
        raise NoCover(
            "before_start",
            _("The loss date %(loss_date)s is before the policy started (%(start)s).") % {
                "loss_date": _date(loss_date), "start": _date(policy.start_date)},
        )
    if loss_date >= policy.expiry_date:
        raise NoCover(
            "after_expiry",
            _("The loss date %(loss_date)s is on or after the policy's expiry (%(expiry)s).") % {
                "loss_date": _date(loss_date), "expiry": _date(policy.expiry_date)},
        )
    if (
        policy.status == Policy.Status.CANCELLED
        and (policy.cancelled_from is None or policy.cancelled_from <= loss_date)
    ):
        if policy.cancelled_from:
            message = _("Policy %(policy)s was cancelled from %(date)s.") % {
                "policy": policy.number, "date": _date(policy.cancelled_from)}
        else:
            message = _("Policy %(policy)s was cancelled.") % {"policy": policy.number}
        raise NoCover("policy_cancelled", message)
    section = _section_for(policy=policy, loss_type=loss_type)
    account = section.accounts.filter(starts_on__lte=loss_date, ends_on__gt=loss_date).first()
    if account is None:
        raise NoCover(
            "no_insurance_year",
            _("Policy %(policy)s has no insurance-year account for %(loss_date)s.") % {
                "policy": policy.number, "loss_date": _date(loss_date)},
        )
    return Cover(section=section, account=account, insurance_year=account.year)


@dataclass(frozen=True)
class AccountOverview:
    section: CoverageSection
    insurance_year: int
    starts_on: date
    ends_on: date
    limit: Decimal
    committed: Decimal
    remaining: Decimal


def aggregate_overview(*, policy: Policy) -> list[AccountOverview]:
    """Per section and insurance year: annual aggregate limit, committed and remaining."""
    return aggregate_overviews(policies=[policy])[policy.pk]


def aggregate_overviews(*, policies) -> dict[int, list[AccountOverview]]:
    """``aggregate_overview`` of several policies in one query: policy id -> its overview."""
    overviews: dict[int, list[AccountOverview]] = {policy.pk: [] for policy in policies}
    accounts = (
        InsuranceYearAccount.objects.filter(section__policy__in=list(overviews))
        .select_related("section__module", "section__policy")
        .annotate(base_first=Case(
            When(section__module__kind=Module.Kind.BASE, then=Value(0)), default=Value(1),
            output_field=IntegerField(),
        ))
        .order_by("section__policy_id", "base_first", "section__module__name_en", "year")
    )
    for account in accounts:
        overviews[account.section.policy_id].append(AccountOverview(
            section=account.section,
            insurance_year=account.year,
            starts_on=account.starts_on,
            ends_on=account.ends_on,
            limit=account.limit,
            committed=account.committed,
            remaining=account.remaining,
        ))
    return overviews
