"""Activities: each state opens its default tasks (completing the previous state's), information
requests open a follow-up, and overdue ones are escalated once to the team lead."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from claims import roles
from claims.business_days import business_days_after
from claims.exceptions import PermissionDeniedError, TransitionConflict
from claims.models import (
    Activity,
    ActivityTemplate,
    Claim,
    ClaimState,
    Holiday,
    InformationRequest,
)
from claims.notifications import email_after_commit
from claims.selectors import team_leads_for
from claims.services.tx import business_action
from config.audit import audit_record
from config.rows import RowBatch
from config.statements import Prepared
from language.services import language_for_user

logger = logging.getLogger(__name__)


def activity_due_at(
    *, template: ActivityTemplate, emergency: bool, now: datetime, holder=None,
    closed_days=None,
) -> datetime:
    """When an activity opened ``now`` is due: clock hours for an emergency, else business days
    (the public holidays of the policyholder's country and federal state, and ``closed_days``
    of the ``Holiday`` table when the caller read them)."""
    if emergency and template.emergency_hours:
        return now + timedelta(hours=template.emergency_hours)
    return business_days_after(
        now, template.business_days, country=getattr(holder, "country", "DE"),
        region=getattr(holder, "region", ""), closed_days=closed_days,
    )


# The state's active templates with the closed days from ``today`` (compiled once).
_STATE_TEMPLATES = Prepared(lambda p: ActivityTemplate.objects.filter(
    state=p.text("state"), active=True).annotate(
    closed_days=ArraySubquery(Holiday.objects.filter(date__gte=p.date("today")).values("date"))))


def activity_templates_send(*, state: str, now: datetime
                            ) -> Callable[[], list[ActivityTemplate]]:
    """The active templates of ``state`` with the closed days from ``now``'s date, as
    ``activities_open`` reads them; sent now (``config.statements.pipeline``), the function
    returned gives them."""
    return _STATE_TEMPLATES.send(state=str(state), today=timezone.localtime(now).date())


def activities_open_for_state(
    *, claim: Claim, now: datetime, rows: RowBatch | None = None,
    templates: list[ActivityTemplate] | None = None,
) -> list[Activity]:
    """Complete the open activities of earlier states and open the current state's defaults.
    Runs inside the caller's transaction; ``rows``: written with the caller's batch of rows;
    ``templates``: the state's, read by the caller (``activity_templates_send``)."""
    note = _superseded_note(claim.state, settings.LANGUAGE_CODE)
    if rows is not None:
        rows.statement(_superseded_sql(), [now, note, claim.pk])
    else:
        Activity.objects.filter(
            claim=claim, completed_at__isnull=True, information_request__isnull=True,
            template__isnull=False,
        ).update(completed_at=now, completion_note=note)
    return activities_open(claim=claim, now=now, rows=rows, templates=templates)


@functools.cache
def _superseded_note(state: str, language: str) -> str:
    with translation.override(language):  # stored: in the company's language
        return _("Superseded: the claim moved to “%(state)s”.") % {
            "state": ClaimState(state).label}


@functools.cache
def _superseded_sql() -> str:
    """The open activities of earlier states, completed: the follow-ups of information requests
    and those of their own (no template, e.g. collecting a deductible) stay open."""
    quote = connection.ops.quote_name
    table = quote(Activity._meta.db_table)

    def column(name: str) -> str:
        return f"{table}.{quote(Activity._meta.get_field(name).column)}"

    return (f"UPDATE {table} SET {quote(Activity._meta.get_field('completed_at').column)} = %s, "
            f"{quote(Activity._meta.get_field('completion_note').column)} = %s "
            f"WHERE {column('claim')} = %s AND {column('completed_at')} IS NULL "
            f"AND {column('information_request')} IS NULL AND {column('template')} IS NOT NULL")


def activities_open(
    *, claim: Claim, now: datetime, rows: RowBatch | None = None,
    templates: list[ActivityTemplate] | None = None,
) -> list[Activity]:
    """Open the current state's default activities (a new claim: nothing to complete first).
    Runs inside the caller's transaction; ``rows``: written with the caller's batch of rows.
    The templates come with the closed days of the ``Holiday`` table (one query)."""
    if templates is None:
        templates = activity_templates_send(state=claim.state, now=now)()
    holder = claim.policy.policyholder
    activities = [
        Activity(
            claim=claim, template=template, title=template.title, opened_in_state=claim.state,
            due_at=activity_due_at(template=template, emergency=claim.emergency, now=now,
                                   holder=holder, closed_days=template.closed_days),
        )
        for template in templates
    ]
    for activity in activities:
        if rows is not None:
            rows.insert(activity)
        else:
            activity.save(force_insert=True)
    return activities


def activity_open_for_request(*, request: InformationRequest) -> Activity:
    """The follow-up of an information request, due at the end of its due date."""
    end_of_day = datetime.combine(request.due_date, time(23, 59))
    return Activity.objects.create(
        claim=request.claim, information_request=request,
        title=f"Awaiting the policyholder's answer: {request.question[:120]}",
        due_at=timezone.make_aware(end_of_day, timezone.get_current_timezone()),
    )


def activities_close_for_request(*, request: InformationRequest, now: datetime, note: str) -> None:
    Activity.objects.filter(information_request=request, completed_at__isnull=True).update(
        completed_at=now, completion_note=note
    )


def claim_lock_before_activities(*, claim_id: int) -> None:
    """Lock the claim before its existing activities are changed: the database's trigger then
    updates the claim's next due time (migration claims.0007), and locking the claim first keeps
    the order a transition takes (claim, then activities), so the two never deadlock."""
    list(Claim.objects.select_for_update().filter(pk=claim_id).values_list("pk", flat=True))


def activity_complete(*, activity: Activity, by, note: str = "") -> Activity:
    """An adjuster marks an activity done."""
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters complete activities."))
    with business_action():
        claim_lock_before_activities(claim_id=activity.claim_id)
        activity = Activity.objects.select_for_update().get(pk=activity.pk)
        if activity.completed_at is not None:
            raise TransitionConflict(_("This activity is already completed."))
        activity.completed_at = timezone.now()
        activity.completed_by = by
        activity.completion_note = note or "Done."
        activity.save(update_fields=["completed_at", "completed_by", "completion_note"])
        audit_record(
            actor=by, action="activity.completed", obj=activity, from_value="open",
            to_value="done", reason=note, claim_id=activity.claim_id,
        )
    return activity


def activities_escalate_overdue(*, now: datetime | None = None, limit: int = 500) -> int:
    """Mark overdue activities and escalate each once to the team lead; returns how many.
    Safe to run twice at once or again: each activity is locked and escalated only once."""
    now = now or timezone.now()
    due = (
        Activity.objects.filter(
            completed_at__isnull=True, escalated_at__isnull=True, due_at__lt=now
        )
        .order_by("due_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in list(due) if _escalate(pk=pk, now=now))


def _escalate(*, pk: int, now: datetime) -> bool:
    with business_action():
        activity = (
            Activity.objects.select_for_update(skip_locked=True)
            .filter(pk=pk, completed_at__isnull=True, escalated_at__isnull=True, due_at__lt=now)
            .first()
        )
        if activity is None:
            return False
        claim = Claim.objects.select_related("assigned_adjuster", "policy__policyholder").get(
            pk=activity.claim_id
        )
        leads = team_leads_for(claim=claim)
        activity.overdue_at = activity.overdue_at or now
        activity.escalated_at = now
        activity.escalated_to = leads[0] if len(leads) == 1 else None
        activity.save(update_fields=["overdue_at", "escalated_at", "escalated_to"])
        due = f"{timezone.localtime(activity.due_at):%d.%m.%Y %H:%M}"
        audit_record(
            actor=None, action="activity.escalated", obj=activity, from_value="open",
            to_value="escalated", reason=f"Overdue since {due}.",
            payload={"escalated_to": [lead.get_username() for lead in leads],
                     "adjuster": getattr(claim.assigned_adjuster, "username", None)},
            claim_id=claim.pk,
        )
        if not leads:
            logger.warning("activity %s is overdue and there is no team lead to tell", pk)
        adjuster = claim.assigned_adjuster
        by_language: dict[str, list[str]] = {}
        for lead in leads:  # one email per language, to all the team leads who read it
            by_language.setdefault(language_for_user(lead), []).append(lead.email)
        for language, addresses in sorted(by_language.items()):
            with translation.override(language):
                email_after_commit(
                    subject=_("Overdue on claim %(number)s: %(title)s") % {
                        "number": claim.number, "title": _(activity.title)},
                    body=_("The activity \"%(title)s\" on claim %(number)s (%(policyholder)s) "
                           "was due %(due)s.\nAssigned adjuster: %(adjuster)s.\n") % {
                        "title": _(activity.title), "number": claim.number,
                        "policyholder": claim.policy.policyholder, "due": due,
                        "adjuster": adjuster.get_username() if adjuster else _("nobody")},
                    recipients=addresses,
                )
    return True


MESSAGE_ACTIVITY = "Answer the policyholder's message"


def activity_open_for_message(*, claim: Claim, now: datetime) -> Activity:
    """A policyholder's message waits in the adjuster's queue until answered: one open activity
    per claim (a second message joins it), due the next business day. Runs inside the caller's
    transaction."""
    existing = Activity.objects.filter(
        claim=claim, title=MESSAGE_ACTIVITY, completed_at__isnull=True).first()
    if existing is not None:
        return existing
    holder = claim.policy.policyholder
    return Activity.objects.create(
        claim=claim, title=MESSAGE_ACTIVITY, opened_in_state=claim.state,
        due_at=business_days_after(now, 1, country=getattr(holder, "country", "DE"),
                                   region=getattr(holder, "region", "")),
    )
