"""Surge intake: a policyholder reports a loss under an open event.

The request checks the input (the event's rules and the report service's own validation) and
stores one ``EventReport`` row: cheap, and never waiting on the claim-number lock that every
report takes. The stored row is the queue: the periodic task ``events.event_reports_register``
(beat, every few seconds) registers what was received through the same report service and rules
as any other claim (numbering, duplicate check, activities, audit, the confirmation email) and
links the claim to the event, one transaction per report. Without a broker (tasks eager, the
development server) a report is registered right after its commit.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import (
    ClaimsError,
    ClaimValidationError,
    PermissionDeniedError,
    TransitionConflict,
)
from claims.models import Claim
from claims.notifications import email_after_commit
from claims.services import claim_report
from claims.services.registrar import ReportRegistrar
from claims.services.report import claim_report_validate
from claims.services.tx import business_action
from config.outbox import enqueue
from config.rows import RowBatch
from coverage.money import money
from language.services import in_language_of
from policies.models import Policy

from ..models import CyberEvent, EventReport
from ..selectors import event_report_cause_ids, events_covering
from .links import link_reported_claims


def event_report_validate(*, event: CyberEvent, policy: Policy, loss_type, loss_date: date,
                          description: str, estimated_amount, user) -> None:
    """The event's rules and the report service's own checks, before anything is stored."""
    if policy.policyholder.user_id != user.pk:
        raise PermissionDeniedError(_("This is not your policy."))
    if not event.is_open:
        raise TransitionConflict(_("%(event)s is closed: please report through the usual "
                                   "form.") % {
                                     "event": event})
    errors = {}
    if loss_type.pk not in event_report_cause_ids(event):
        errors["loss_type"] = _("Choose the cause of %(event)s (one of its loss types).") % {
                                  "event": event}
    # Whether the policy covers the loss is the coverage check's question (at the liability
    # check), as for every report; the portal's form already offers only covered causes.
    first, _last = event.window()
    if loss_date < first:
        errors["loss_date"] = _("%(event)s began on %(first)s; the loss cannot be earlier.") % {
                                  "event": event, "first": format(first, '%d.%m.%Y')}
    try:
        claim_report_validate(loss_type=loss_type, loss_date=loss_date, description=description,
                              estimated_amount=estimated_amount, claimant_name="",
                              claimant_email="", claimant_address="",
                              today=timezone.localdate())
    except ClaimValidationError as error:
        errors.update({field: " ".join(messages) for field, messages in error.errors.items()})
    if errors:
        raise ClaimValidationError(errors)


def event_report_submit(*, event: CyberEvent, user, policy: Policy, loss_type, loss_date: date,
                        description: str, emergency: bool = False,
                        estimated_amount: Decimal | None = None,
                        submission_token: UUID | None = None,
                        composed: bool = False) -> tuple[EventReport, bool]:
    """Receive a report under the event; returns ``(report, created)``. A form sent twice
    (same ``submission_token``) returns the first report. ``composed=True``: a step of the
    caller's transaction (the API's, which stores the Idempotency-Key with it)."""
    estimate = money(estimated_amount) if estimated_amount is not None else None
    event_report_validate(event=event, policy=policy, loss_type=loss_type, loss_date=loss_date,
                          description=description, estimated_amount=estimate, user=user)
    with business_action(composed=composed):
        if submission_token is not None:
            earlier = EventReport.objects.filter(reported_by=user,
                                                 submission_token=submission_token).first()
            if earlier is not None:
                return earlier, False
        report = EventReport(
            event=event, reported_by=user, policy=policy, loss_type=loss_type,
            loss_date=loss_date, description=description.strip(), emergency=emergency,
            estimated_amount=estimate, submission_token=submission_token,
        )
        rows = RowBatch()  # the INSERT built once per process (no signal receivers)
        rows.insert(report)
        rows.write()
        if settings.CELERY_TASK_ALWAYS_EAGER:  # no worker and no beat: register at once
            transaction.on_commit(lambda: event_report_register(report_id=report.pk))
    return report, True


class _EventReports(ReportRegistrar):
    """Reports under an event: reported as any claim, then linked to their event."""

    def report(self, report: EventReport) -> Claim:
        return claim_report(
            policy=report.policy, loss_type=report.loss_type, loss_date=report.loss_date,
            description=report.description, reported_by=report.reported_by,
            emergency=report.emergency, estimated_amount=report.estimated_amount,
            now=report.received_at, composed=True, suggest_events=False,
        )

    def registered(self, registered: list[tuple[EventReport, Claim]], rows: RowBatch) -> None:
        link_reported_claims(reported=[(report.event, claim, report.reported_by)
                                       for report, claim in registered], rows=rows)
        covered: dict[tuple[date, int], bool] = {}
        for report, claim in registered:
            # Linked to its own event, the claim is matched only if another event covers its
            # loss date (most surge reports: no task at all); asked once per date and event.
            key = (report.loss_date, report.event_id)
            if key not in covered:
                covered[key] = events_covering(report.loss_date).exclude(
                    pk=report.event_id).exists()
            if covered[key]:
                enqueue("events.claim_suggest_events", claim_id=claim.pk, rows=rows)

    def refused(self, report: EventReport, error: ClaimsError, rows: RowBatch) -> None:
        holder = report.policy.policyholder
        with in_language_of(user_id=holder.user_id, email=holder.email):
            email_after_commit(
                subject=_("Your report under %(event)s could not be registered") % {
                    "event": report.event},
                body=_("%(error)s\n\nPlease report through the portal's usual form or "
                       "call us.\n") % {"error": error.message},
                recipients=[holder.email], rows=rows,
            )


# The registrar of reports under events (the shared core: ``claims.services.registrar``).
EVENT_REPORTS = _EventReports(model=EventReport, related=("event",))


def event_report_register(*, report_id: int) -> Claim | None:
    """The worker's half: the claim through ``claim_report``, linked to the event, in one
    transaction. Idempotent: a report is registered once. A report the rules refuse now (the
    policy was cancelled meanwhile, ...) is marked failed and the policyholder is told."""
    return EVENT_REPORTS.register(report_id=report_id)


def event_reports_register(*, limit: int = 2000) -> int:
    """Register the received reports, oldest first, ``REGISTER_BATCH`` a transaction (the beat
    task; several may run at once: each report is locked, a locked one is left to the other).
    Returns how many became claims."""
    return EVENT_REPORTS.register_received(limit=limit)
