"""Surge intake: a policyholder reports a loss under an open event. The claim goes through the
same report service and rules as any other (numbering, duplicate check, activities, audit, the
confirmation email) and is linked to the event in the same transaction."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import Claim
from claims.portal.services import portal_claim_report
from claims.services import claim_report
from claims.services.tx import batch, business_action
from policies.models import Policy

from ..models import CyberEvent, EventClaim
from ..selectors import event_report_loss_types
from .links import link_record


def event_report_validate(*, event: CyberEvent, policy: Policy, loss_type, loss_date: date,
                          user) -> None:
    if policy.policyholder.user_id != user.pk:
        raise PermissionDeniedError("This is not your policy.")
    if not event.is_open:
        raise TransitionConflict(
            f"{event} is closed: please report through the usual form.")
    errors = {}
    if loss_type not in event_report_loss_types(event):
        errors["loss_type"] = f"Choose the cause of {event} (one of its loss types)."
    first, _last = event.window()
    if loss_date < first:
        errors["loss_date"] = f"{event} began on {first:%d.%m.%Y}; the loss cannot be earlier."
    if errors:
        raise ClaimValidationError(errors)


def _link(event: CyberEvent, user):
    return lambda claim: link_record(event=event, claim=claim, by=user,
                                     source=EventClaim.Source.REPORT)


def event_claim_report_portal(*, event: CyberEvent, holder, user, submission_token,
                              policy: Policy, loss_type, loss_date: date, description: str,
                              emergency: bool = False, estimated_amount: Decimal | None = None,
                              documents=()) -> tuple[Claim, bool]:
    """The portal's short form: once per form (its one-time token), all or nothing."""
    event_report_validate(event=event, policy=policy, loss_type=loss_type, loss_date=loss_date,
                          user=user)
    return portal_claim_report(
        holder=holder, user=user, submission_token=submission_token, policy=policy,
        loss_type=loss_type, loss_date=loss_date, description=description, emergency=emergency,
        estimated_amount=estimated_amount, documents=documents, then=_link(event, user),
    )


def event_claim_report(*, event: CyberEvent, user, policy: Policy, loss_type, loss_date: date,
                       description: str, emergency: bool = False,
                       estimated_amount: Decimal | None = None) -> Claim:
    """The API's report under an event (retries are made safe by the Idempotency-Key)."""
    event_report_validate(event=event, policy=policy, loss_type=loss_type, loss_date=loss_date,
                          user=user)
    with business_action(), batch():
        claim = claim_report(policy=policy, loss_type=loss_type, loss_date=loss_date,
                             description=description, reported_by=user, emergency=emergency,
                             estimated_amount=estimated_amount)
        _link(event, user)(claim)
    return claim
