"""Cost lines, reserve levels and business-interruption assessments: append-only rows."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import FINAL_STATES, Claim, ClaimState
from claims.money.models import (
    CostLine,
    InterruptionAssessment,
    PayeeKind,
    ReserveChange,
    ReserveKind,
)
from claims.money.selectors import claim_section, reserves_current
from claims.money.services.common import require_adjuster
from claims.services.tx import business_action
from config.audit import audit_record
from coverage.models import CostCategory, DeductibleRule, ModuleCostCategory
from coverage.money import ZERO, money
from policies.models import CoverageSection

CLOSED_FOR_MONEY = [*FINAL_STATES, ClaimState.DENIED]


def _open_claim(claim: Claim) -> Claim:
    locked = Claim.objects.select_for_update().get(pk=claim.pk)
    if locked.state in CLOSED_FOR_MONEY:
        state = ClaimState(locked.state).label.lower()
        raise TransitionConflict(_("The claim is %(state)s: its money can no longer "
                                   "change.") % {
                                     "state": state})
    return locked


def _amount(value, name: str) -> Decimal:
    if isinstance(value, float):
        raise ClaimValidationError({name: _("Give the amount as a decimal, not a float.")})
    try:
        return money(value)
    except ValueError as error:
        raise ClaimValidationError({name: str(error)}) from error


def _payee_name(*, claim: Claim, payee_kind: str, vendor) -> str:
    if payee_kind == PayeeKind.CLAIMANT:
        if not claim.claimant_name:
            raise ClaimValidationError({"payee_kind": _("The claim names no third-party "
                                                        "claimant.")})
        return claim.claimant_name
    if payee_kind == PayeeKind.POLICYHOLDER:
        return str(claim.policy.policyholder)
    if payee_kind == PayeeKind.VENDOR:
        if vendor is None:
            raise ClaimValidationError({"vendor": _("Name the vendor to be paid.")})
        return str(getattr(vendor, "name", "") or vendor)
    raise ClaimValidationError({"payee_kind": _("Unknown payee %(payee_kind)s.") % {
                                                  "payee_kind": repr(payee_kind)}})


def _vendor_row(vendor):
    """The vendor organisation to link (a plain name is kept as the payee name only)."""
    return vendor if isinstance(vendor, CostLine._meta.get_field("vendor").related_model) else None


def cost_line_add(
    *,
    claim: Claim,
    category: CostCategory,
    amount: Decimal,
    payee_kind: str,
    by,
    vendor=None,
    source: str = CostLine.Source.ADJUSTER,
    source_job=None,
    section: CoverageSection | None = None,
    reason: str = "",
    composed: bool = False,
) -> CostLine:
    """Add a cost to the claim. A negative amount corrects earlier lines of the same category and
    payee (never below zero) and needs a reason. Adjusters add lines; a vendor's invoice
    (``source="vendor_invoice"``) comes through the vendor integration, which checked its user."""
    if source not in CostLine.Source.values:
        raise ClaimValidationError({"source": _("Unknown source %(source)s.") % {
                                                  "source": repr(source)}})
    if source == CostLine.Source.ADJUSTER and not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters add cost lines."))
    amount = _amount(amount, "amount")
    reason = reason.strip()
    if amount == ZERO:
        raise ClaimValidationError({"amount": _("A cost line needs an amount other than 0.00.")})
    if amount < 0 and not reason:
        raise ClaimValidationError({"reason": _("A correction (negative line) needs a reason.")})
    section = claim_section(claim=claim, section=section)
    if not ModuleCostCategory.objects.filter(module=section.module, category=category).exists():
        raise ClaimValidationError(
            {"category": _("%(module_name)s does not pay '%(category_name)s'.") % {
                             "module_name": section.module.name, "category_name": category.name}}
        )
    payee_name = _payee_name(claim=claim, payee_kind=payee_kind, vendor=vendor)
    with business_action(composed=composed):
        locked = _open_claim(claim)
        if amount < 0:
            net = CostLine.objects.filter(
                claim=locked, section=section, category=category, payee_kind=payee_kind,
                payee_name=payee_name,
            ).aggregate(total=Sum("amount"))["total"] or ZERO
            if net + amount < 0:
                raise ClaimValidationError(
                    {"amount": _("The correction is more than the %(net)s recorded for "
                                 "'%(category_name)s' to %(payee_name)s.") % {
                                   "net": format(net, ',.2f'), "category_name": category.name,
                                   "payee_name": payee_name}}
                )
        line = CostLine.objects.create(
            claim=locked, section=section, category=category, amount=amount,
            payee_kind=payee_kind, payee_name=payee_name, vendor=_vendor_row(vendor),
            source=source,
            source_job_id=getattr(source_job, "pk", source_job), reason=reason, created_by=by,
        )
        audit_record(
            actor=by, action="money.cost_line_added", obj=line, to_value=f"{amount:.2f}",
            reason=reason,
            payload={"category": category.code, "section": section.module.code,
                     "payee_kind": payee_kind, "payee": payee_name, "source": source,
                     "source_job_id": line.source_job_id},
            claim_id=locked.pk,
        )
    return line


def reserve_set(
    *,
    claim: Claim,
    kind: str,
    level: Decimal,
    reason: str,
    by,
    section: CoverageSection | None = None,
) -> ReserveChange:
    """Record a new reserve level (loss or expense) with its reason; the old level stays."""
    require_adjuster(by, _("set reserves"))
    if kind not in ReserveKind.values:
        raise ClaimValidationError({"kind": _("Choose the loss or the expense reserve.")})
    level = _amount(level, "level")
    if level < 0:
        raise ClaimValidationError({"level": _("A reserve cannot be negative.")})
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Say why the reserve changes.")})
    section = claim_section(claim=claim, section=section)
    with business_action():
        locked = _open_claim(claim)
        previous = reserves_current(claim=locked, section=section)[kind]
        change = ReserveChange.objects.create(
            claim=locked, section=section, kind=kind, level=level, previous_level=previous,
            reason=reason.strip(), created_by=by,
        )
        audit_record(
            actor=by, action="money.reserve_changed", obj=change, from_value=previous,
            to_value=level, reason=reason.strip(),
            payload={"kind": kind, "section": section.module.code}, claim_id=locked.pk,
        )
    return change


def interruption_assess(
    *,
    claim: Claim,
    first_8_hours_loss: Decimal,
    by,
    section: CoverageSection | None = None,
    reason: str = "",
) -> InterruptionAssessment:
    """Record the loss of the first 8 hours of a business interruption (the deductible of a
    section with that rule is at least this)."""
    require_adjuster(by, _("assess business interruptions"))
    loss = _amount(first_8_hours_loss, "first_8_hours_loss")
    if loss < 0:
        raise ClaimValidationError({"first_8_hours_loss": _("Cannot be negative.")})
    section = claim_section(claim=claim, section=section)
    if section.module.deductible_rule != DeductibleRule.FIRST_8_HOURS:
        raise ClaimValidationError(
            {"section": _("%(module_name)s does not take the first 8 hours as deductible.") % {
                            "module_name": section.module.name}}
        )
    with business_action():
        locked = _open_claim(claim)
        row = InterruptionAssessment.objects.create(
            claim=locked, section=section, first_8_hours_loss=loss, reason=reason.strip(),
            created_by=by,
        )
        audit_record(
            actor=by, action="money.interruption_assessed", obj=row, to_value=loss,
            reason=reason.strip(), payload={"section": section.module.code}, claim_id=locked.pk,
        )
    return row


def interruption_stated(*, claim: Claim, first_8_hours_loss: Decimal, by
                        ) -> InterruptionAssessment | None:
    """The policyholder's own figure for the first 8 hours, given in the report: recorded as the
    first assessment of each business-interruption section that covers the loss (the adjuster
    records their own later; the latest counts). Inside the report's transaction."""
    loss = _amount(first_8_hours_loss, "first_8_hours_loss")
    if loss < 0:
        raise ClaimValidationError({"first_8_hours_loss": _("Cannot be negative.")})
    sections = CoverageSection.objects.filter(
        policy=claim.policy, module__deductible_rule=DeductibleRule.FIRST_8_HOURS,
    ).covering(claim.loss_type).base_first()
    row = None
    for section in sections:
        row = InterruptionAssessment.objects.create(
            claim=claim, section=section, first_8_hours_loss=loss, created_by=by,
            reason="Stated by the policyholder in the report.",
        )
        audit_record(
            actor=by, action="money.interruption_stated", obj=row, to_value=loss,
            payload={"section": section.module.code}, claim_id=claim.pk,
        )
    return row
