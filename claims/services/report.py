"""First notice of loss: a claim is reported by its policyholder or recorded by an adjuster."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import Claim
from claims.notifications import email_after_commit
from claims.selectors import adjusters
from claims.services.activities import activities_open_for_state
from claims.services.duplicates import find_possible_duplicate
from claims.services.numbering import claim_number_next
from claims.services.tx import business_action
from config.audit import audit_record
from coverage.money import money
from language.services import in_language_of
from policies.models import Policy


def claim_report_validate(
    *, loss_type, loss_date: date, description: str, estimated_amount, claimant_name: str,
    claimant_email: str, claimant_address: str, today: date,
) -> None:
    errors: dict[str, str] = {}
    if loss_date > today:
        errors["loss_date"] = "The loss date cannot be in the future."
    if not description.strip():
        errors["description"] = "Describe what happened."
    if estimated_amount is not None and estimated_amount < 0:
        errors["estimated_amount"] = "The estimated amount cannot be negative."
    if loss_type.third_party:
        if not claimant_name.strip():
            errors["claimant_name"] = "Name the third party who claims against the insured."
        if not claimant_email.strip() and not claimant_address.strip():
            errors["claimant_address"] = "Give the third party's address or email."
    if errors:
        raise ClaimValidationError(errors)


def claim_report(
    *,
    policy: Policy,
    loss_type,
    loss_date: date,
    description: str,
    reported_by,
    emergency: bool = False,
    estimated_amount: Decimal | None = None,
    claimant_name: str = "",
    claimant_email: str = "",
    claimant_address: str = "",
    now: datetime | None = None,
) -> Claim:
    """Record a new claim in state "reported": number it, flag a possible duplicate, open the
    first-contact activity, write the audit row; confirm to the policyholder after commit."""
    if not (roles.is_adjuster(reported_by) or policy.policyholder.user_id == reported_by.pk):
        raise PermissionDeniedError("Only the policyholder or an adjuster can report a claim.")
    now = now or timezone.now()
    estimate = money(estimated_amount) if estimated_amount is not None else None
    claim_report_validate(
        loss_type=loss_type, loss_date=loss_date, description=description,
        estimated_amount=estimate, claimant_name=claimant_name, claimant_email=claimant_email,
        claimant_address=claimant_address, today=timezone.localdate(now),
    )
    with business_action():
        claim = Claim(
            number=claim_number_next(year=timezone.localtime(now).year),
            policy=policy, loss_type=loss_type, loss_date=loss_date, reported_at=now,
            description=description.strip(), emergency=emergency, estimated_amount=estimate,
            claimant_name=claimant_name.strip(), claimant_email=claimant_email.strip(),
            claimant_address=claimant_address.strip(), reported_by=reported_by,
        )
        claim.possible_duplicate_of, claim.duplicate_similarity = find_possible_duplicate(
            claim=claim
        )
        claim.save()
        audit_record(
            actor=reported_by, action="claim.reported", obj=claim, to_value=claim.state,
            payload={
                "policy": policy.number, "loss_type": loss_type.code, "loss_date": loss_date,
                "emergency": emergency, "estimated_amount": estimate,
                "possible_duplicate_of": getattr(claim.possible_duplicate_of, "number", None),
            },
            claim_id=claim.pk,
        )
        activities_open_for_state(claim=claim, now=now)
        _notify(claim)
    return claim


def _notify(claim: Claim) -> None:
    holder = claim.policy.policyholder
    with in_language_of(holder.user, email=holder.email):
        email_after_commit(
            subject=_("Your claim %(number)s has been received") % {"number": claim.number},
            body=_("Dear %(name)s,\n\nwe have received your claim %(number)s (loss of %(date)s, "
                   "%(loss_type)s) and will contact you shortly.\n") % {
                "name": holder.contact_name or holder.company_name, "number": claim.number,
                "date": date_format(claim.loss_date, "SHORT_DATE_FORMAT"),
                "loss_type": claim.loss_type.name},
            recipients=[holder.email],
        )
    if claim.emergency:
        for adjuster in adjusters():
            with in_language_of(adjuster):
                email_after_commit(
                    subject=_("EMERGENCY claim %(number)s: first contact within the hour")
                    % {"number": claim.number},
                    body=_("%(company)s reported an emergency (%(loss_type)s) under policy "
                           "%(policy)s.\n\n%(description)s\n") % {
                        "company": holder.company_name, "loss_type": claim.loss_type.name,
                        "policy": claim.policy.number, "description": claim.description},
                    recipients=[adjuster.email],
                )
