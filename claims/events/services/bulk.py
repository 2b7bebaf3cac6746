"""Bulk handling of an event's claims: assign adjusters (round robin or by load), send the same
information request, commission vendors from the panel within their daily capacity, add the same
note. Each claim goes through the claims and vendor services (their rules, their audit rows); a
claim that fails is reported and the others go on. One summary audit row on the event."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimsError, ClaimValidationError, TransitionConflict
from claims.models import FINAL_STATES, Claim, ClaimNote
from claims.selectors import adjusters as all_adjusters
from claims.services import claim_assign, information_request_create, note_add
from claims.services.tx import business_action
from claims.vendors.models import DEAD_STATES, VendorJob, VendorService
from claims.vendors.selectors import organisations_tried, vendors_propose
from claims.vendors.services import vendor_job_request
from config.audit import audit_record

from ..models import CyberEvent, VendorDailyCapacity
from .declare import require_adjuster


class AssignMode:
    ROUND_ROBIN = "round_robin"
    BY_LOAD = "by_load"
    CHOICES = (ROUND_ROBIN, BY_LOAD)


@dataclass
class BulkResult:
    """What a bulk action did: claim number -> what (done), claim number -> why not (failed)."""

    done: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"done": self.done, "failed": self.failed}


def event_claims_for_bulk(*, event: CyberEvent, claim_ids=None) -> list[Claim]:
    """The event's linked claims that are not closed or withdrawn (``claim_ids``: these of them;
    an id that is not linked to the event is a 400)."""
    claims = Claim.objects.filter(event_links__event=event).select_related(
        "policy__policyholder", "assigned_adjuster")
    if claim_ids is not None:
        ids = {int(pk) for pk in claim_ids}
        found = {claim.pk: claim for claim in claims.filter(pk__in=ids)}
        missing = sorted(ids - set(found))
        if missing:
            raise ClaimValidationError(
                {"claims": _("Not linked to %(event)s: %(join)s.") % {
                               "event": event, "join": ', '.join(map(str, missing))}})
        selected = [found[pk] for pk in sorted(found)]
    else:
        selected = list(claims.exclude(state__in=FINAL_STATES).order_by("pk"))
    if not selected:
        raise ClaimValidationError({"claims": _("The event has no open linked claims.")})
    return selected


def _each(claims: list[Claim], call: Callable[[Claim], str]) -> BulkResult:
    result = BulkResult()
    for claim in claims:
        try:
            result.done[claim.number] = call(claim)
        except ClaimsError as error:
            result.failed[claim.number] = error.message
    return result


def _summary(*, event: CyberEvent, by, action: str, result: BulkResult, **details) -> None:
    with business_action():
        audit_record(actor=by, action=f"event.bulk_{action}", obj=event,
                     to_value=f"{len(result.done)} done, {len(result.failed)} failed",
                     payload={**details, **result.as_dict()})


# --- assignment --------------------------------------------------------------------------------


def _open_load(users) -> dict[int, int]:
    rows = get_user_model().objects.filter(pk__in=[user.pk for user in users]).annotate(
        load=Count("assigned_claims", filter=~Q(assigned_claims__state__in=FINAL_STATES)))
    return {user.pk: user.load for user in rows}


def assignment_plan(*, claims: list[Claim], adjusters: list, mode: str) -> dict[int, object]:
    """Claim id -> adjuster. Round robin: in turn, by username. By load: each claim to whoever
    has the fewest open claims at that moment (counting the ones just given)."""
    people = sorted(adjusters, key=lambda user: user.get_username())
    if mode == AssignMode.ROUND_ROBIN:
        return {claim.pk: people[index % len(people)] for index, claim in enumerate(claims)}
    load = _open_load(people)
    plan = {}
    for claim in claims:
        if claim.assigned_adjuster_id in load:
            load[claim.assigned_adjuster_id] -= 1  # it is being re-assigned
        chosen = min(people, key=lambda user: (load[user.pk], user.get_username()))
        load[chosen.pk] += 1
        plan[claim.pk] = chosen
    return plan


def event_bulk_assign(*, event: CyberEvent, by, mode: str = AssignMode.ROUND_ROBIN,
                      adjusters=None, claim_ids=None) -> BulkResult:
    require_adjuster(by, _("assign claims"))
    if mode not in AssignMode.CHOICES:
        raise ClaimValidationError({"mode": _("Choose one of: %(join)s.") % {
                                                "join": ', '.join(AssignMode.CHOICES)}})
    people = list(adjusters) if adjusters else list(all_adjusters())
    strangers = [user.get_username() for user in people if not roles.is_adjuster(user)]
    if strangers:
        raise ClaimValidationError({"adjusters": _("Not adjusters: %(join)s.") % {
                                                     "join": ', '.join(strangers)}})
    if not people:
        raise ClaimValidationError({"adjusters": _("There is no adjuster to assign to.")})
    claims = event_claims_for_bulk(event=event, claim_ids=claim_ids)
    plan = assignment_plan(claims=claims, adjusters=people, mode=mode)

    def assign(claim: Claim) -> str:
        claim_assign(claim=claim, adjuster=plan[claim.pk], by=by)
        return plan[claim.pk].get_username()

    result = _each(claims, assign)
    _summary(event=event, by=by, action="assign", result=result, mode=mode,
             adjusters=[user.get_username() for user in people])
    return result


# --- information request and note ------------------------------------------------------------


def event_bulk_information_request(*, event: CyberEvent, by, question: str, due_date: date,
                                   claim_ids=None) -> BulkResult:
    require_adjuster(by, _("ask for information"))
    if not question.strip():
        raise ClaimValidationError({"question": _("Write the question.")})
    claims = event_claims_for_bulk(event=event, claim_ids=claim_ids)

    def ask(claim: Claim) -> str:
        request = information_request_create(claim=claim, question=question, due_date=due_date,
                                             requested_by=by)
        return f"request {request.pk}"

    result = _each(claims, ask)
    _summary(event=event, by=by, action="information_request", result=result,
             question=question.strip(), due_date=due_date)
    return result


def event_bulk_note(*, event: CyberEvent, by, text: str,
                    visibility: str = ClaimNote.Visibility.INTERNAL,
                    claim_ids=None) -> BulkResult:
    require_adjuster(by, _("add notes"))
    if not text.strip():
        raise ClaimValidationError({"text": _("The note is empty.")})
    claims = event_claims_for_bulk(event=event, claim_ids=claim_ids)

    def note(claim: Claim) -> str:
        return f"note {note_add(claim=claim, text=text, author=by, visibility=visibility).pk}"

    result = _each(claims, note)
    _summary(event=event, by=by, action="note", result=result, visibility=visibility,
             length=len(text.strip()))
    return result


# --- vendors within their daily capacity -------------------------------------------------------


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, datetime.min.time()))
    return start, start + timedelta(days=1)


def jobs_taken_on(*, organisation_ids, day: date) -> dict[int, int]:
    """Organisation id -> jobs requested from it on ``day`` that still count (not declined,
    escalated or cancelled)."""
    start, end = day_bounds(day)
    rows = (VendorJob.objects.filter(organisation_id__in=list(organisation_ids),
                                     requested_at__gte=start, requested_at__lt=end)
            .exclude(state__in=DEAD_STATES).values("organisation_id")
            .annotate(taken=Count("id")).values_list("organisation_id", "taken"))
    return dict(rows)


def _panel(event: CyberEvent, claim: Claim, service: VendorService):
    proposals = vendors_propose(claim=claim, service=service,
                                exclude_ids=organisations_tried(claim=claim, service=service))
    panel = set(event.vendor_panel.values_list("pk", flat=True))
    return [proposal.organisation for proposal in proposals
            if not panel or proposal.organisation.pk in panel]


def vendor_commission_within_capacity(*, event: CyberEvent, claim: Claim,
                                      service: VendorService, by, scope: str = "",
                                      now: datetime | None = None) -> VendorJob:
    """Commission the best-ranked panel vendor that has capacity left today; when it is full the
    next one is offered. The capacity rows are locked (in id order) while counting, so two bulk
    runs at once never overfill a vendor."""
    now = now or timezone.now()
    current = claim.vendor_jobs.filter(service=service).exclude(state__in=DEAD_STATES).first()
    if current is not None:
        raise TransitionConflict(_("%(organisation)s is on it already (%(service)s).") % {
                                     "organisation": current.organisation, "service": service})
    candidates = _panel(event, claim, service)
    if not candidates:
        raise TransitionConflict(_("No vendor of the panel offers %(service)s for this "
                                   "claim.") % {
                                     "service": service})
    with business_action():
        limits = {row.organisation_id: row.jobs_per_day for row in
                  VendorDailyCapacity.objects.select_for_update()
                  .filter(organisation__in=candidates).order_by("pk")}
        taken = jobs_taken_on(organisation_ids=limits, day=timezone.localdate(now))
        for organisation in candidates:
            limit = limits.get(organisation.pk)
            if limit is None or taken.get(organisation.pk, 0) < limit:
                return vendor_job_request(claim=claim, organisation=organisation,
                                          service=service, by=by, scope=scope, now=now,
                                          composed=True)
    names = ", ".join(organisation.name for organisation in candidates)
    raise TransitionConflict(_("Every panel vendor for %(service)s is at capacity today "
                               "(%(names)s).") % {
                                 "service": service, "names": names})


def event_bulk_commission(*, event: CyberEvent, by, service: VendorService, scope: str = "",
                          claim_ids=None) -> BulkResult:
    require_adjuster(by, _("commission vendors"))
    claims = event_claims_for_bulk(event=event, claim_ids=claim_ids)

    def commission(claim: Claim) -> str:
        job = vendor_commission_within_capacity(event=event, claim=claim, service=service,
                                                by=by, scope=scope)
        return job.organisation.name

    result = _each(claims, commission)
    _summary(event=event, by=by, action="commission", result=result, service=service.code)
    return result
