"""First notice of loss: a claim is reported by its policyholder or recorded by an adjuster."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from claims import notifications, roles
from claims.events.selectors import events_covering
from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import Claim
from claims.selectors import adjusters
from claims.services.activities import activities_open
from claims.services.duplicates import find_possible_duplicate
from claims.services.numbering import claim_number_next
from claims.services.tx import business_action
from config.audit import audit_record
from config.outbox import enqueue
from config.rows import RowBatch
from config.statements import Prepared
from coverage.money import money
from policies.models import Policy

# Whether a cyber event covers a loss date: compiled once per connection (config.statements).
_EVENT_COVERING = Prepared(lambda p: (
    events_covering(p.date("loss_date")).order_by().values_list("pk", flat=True)[:1]))


def _claim_insert(claim: Claim) -> None:
    """``claim.save()`` of a new claim, its INSERT built once per process (``config.rows``; the
    claim has no signal receivers)."""
    rows = RowBatch()
    rows.insert(claim)
    rows.write()
    claim._update_initial_state()  # as django-fsm's save does


# No policy of ours (first sold in the 2020s) covers a loss before this day; it also keeps the
# date arithmetic (duplicate windows, deadlines) far from the ends of the calendar.
EARLIEST_LOSS_DATE = date(1990, 1, 1)


def claim_report_validate(
    *, loss_type, loss_date: date, description: str, estimated_amount, claimant_name: str,
    claimant_email: str, claimant_address: str, today: date,
) -> None:
    errors: dict[str, str] = {}
    if loss_date > today:
        errors["loss_date"] = _("The loss date cannot be in the future.")
    elif loss_date < EARLIEST_LOSS_DATE:
        errors["loss_date"] = (_("The loss date cannot be before %(earliest_loss_date)s; "
                                 "check the year.") % {
                                   "earliest_loss_date": format(EARLIEST_LOSS_DATE, '%d.%m.%Y')})
    if not description.strip():
        errors["description"] = _("Describe what happened.")
    if estimated_amount is not None and estimated_amount < 0:
        errors["estimated_amount"] = _("The estimated amount cannot be negative.")
    if loss_type.third_party:
        if not claimant_name.strip():
            errors["claimant_name"] = _("Name the third party who claims against the insured.")
        if not claimant_email.strip() and not claimant_address.strip():
            errors["claimant_address"] = _("Give the third party's address or email.")
    if errors:
        raise ClaimValidationError(errors)


def claim_report_check(
    *, policy: Policy, reported_by, loss_type, loss_date: date, description: str,
    estimated_amount, claimant_name: str, claimant_email: str, claimant_address: str,
    today: date,
) -> None:
    """The report service's checks before anything is written: who may report under ``policy``
    and what a report must hold. Also made when a report is only received (``report_receive``)."""
    if not (policy.policyholder.user_id == reported_by.pk or roles.is_adjuster(reported_by)):
        raise PermissionDeniedError(_("Only the policyholder or an adjuster can report a claim."))
    claim_report_validate(
        loss_type=loss_type, loss_date=loss_date, description=description,
        estimated_amount=estimated_amount, claimant_name=claimant_name,
        claimant_email=claimant_email, claimant_address=claimant_address, today=today,
    )


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
    composed: bool = False,
    notify: bool = True,
    suggest_events: bool = True,
) -> Claim:
    """Record a new claim in state "reported": number it, flag a possible duplicate, open the
    first-contact activity, write the audit row; confirm to the policyholder after commit
    (``notify=False``: tell nobody, e.g. the demo loader). ``composed=True``: a step of the
    caller's transaction. ``suggest_events=False``: the caller decides whether the claim is
    matched against the cyber events (a report under an event: only if another event covers it)."""
    now = now or timezone.now()
    estimate = money(estimated_amount) if estimated_amount is not None else None
    claim_report_check(
        policy=policy, reported_by=reported_by, loss_type=loss_type, loss_date=loss_date,
        description=description, estimated_amount=estimate, claimant_name=claimant_name,
        claimant_email=claimant_email, claimant_address=claimant_address,
        today=timezone.localdate(now),
    )
    rows = RowBatch()  # the claim's audit row, activities and messages: one statement
    with business_action(composed=composed):
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
        _claim_insert(claim)
        audit_record(
            actor=reported_by, action="claim.reported", obj=claim, to_value=claim.state,
            payload={
                "policy": policy.number, "loss_type": loss_type.code, "loss_date": loss_date,
                "emergency": emergency, "estimated_amount": estimate,
                "possible_duplicate_of": getattr(claim.possible_duplicate_of, "number", None),
            },
            claim_id=claim.pk, rows=rows,
        )
        activities_open(claim=claim, now=now, rows=rows)  # a new claim has none to close
        if notify:
            notifications.claim_received(claim=claim, rows=rows)
        if claim.emergency:
            if notify:
                notifications.emergency_reported(
                    claim=claim, adjuster_emails=[user.email for user in adjusters()], rows=rows
                )
            if policy.product.emergency_hotline:
                # The 24/7 hotline: a forensics job is proposed at once (the vendors app's task).
                enqueue("vendors.emergency_job_propose", claim_id=claim.pk, rows=rows)
        # Cyber events: the events app's task suggests the claim for the declared events whose
        # window and identifiers it matches; no task when no event covers the date (an event
        # declared later looks for its claims itself).
        if suggest_events and _EVENT_COVERING.first(loss_date=loss_date) is not None:
            enqueue("events.claim_suggest_events", claim_id=claim.pk, rows=rows)
        rows.write()
    return claim
