"""Suggestions: "probably part of event X" for new and open claims, confirmed or rejected by an
adjuster. The matcher (``claims.events.matching``) decides; these functions feed it and store."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import FINAL_STATES, Claim, InformationRequest
from claims.services.tx import business_action
from config.audit import audit_record
from policies.models import PolicyDependency

from ..matching import ClaimFacts, EventFacts, match_reasons
from ..models import CyberEvent, EventClaim, EventSuggestion
from ..selectors import events_covering


def event_facts(event: CyberEvent) -> EventFacts:
    loss_types = {loss_type.pk: loss_type.name for loss_type in event.loss_types.all()}
    return EventFacts(window=event.window(), terms=tuple(event.terms), named=tuple(event.named),
                      loss_type_ids=frozenset(loss_types), loss_type_names=loss_types)


def _candidates(event: CyberEvent, facts: EventFacts, claim_ids=None):
    first, last = facts.window
    claims = (
        Claim.objects.filter(loss_date__range=(first, last))
        .exclude(state__in=FINAL_STATES)
        .exclude(event_links__event=event)
        .exclude(event_suggestions__event=event)
    )
    if claim_ids is not None:
        claims = claims.filter(pk__in=claim_ids)
    prefilter = Q(loss_type__in=facts.loss_type_ids) if facts.loss_type_ids else Q(pk__in=[])
    for term in facts.terms:
        prefilter |= (Q(description__icontains=term)
                      | Q(information_requests__answer__icontains=term))
    return claims.filter(prefilter).values(
        "pk", "number", "loss_date", "state", "loss_type_id", "description", "policy_id"
    ).distinct().order_by("pk")


def suggestions_make(*, event: CyberEvent, by=None, claim_ids=None) -> list[EventSuggestion]:
    """Suggest every matching claim not yet linked or suggested (``claim_ids``: only these).
    Runs inside the caller's transaction; one audit row per suggestion, on the claim."""
    facts = event_facts(event)
    rows = list(_candidates(event, facts, claim_ids))
    if not rows:
        return []
    answers: dict[int, list[str]] = defaultdict(list)
    for claim_id, answer in InformationRequest.objects.filter(
            claim_id__in=[row["pk"] for row in rows]).exclude(answer="").values_list(
            "claim_id", "answer"):
        answers[claim_id].append(answer)
    dependencies: dict[int, list[str]] = defaultdict(list)
    for policy_id, name in PolicyDependency.objects.filter(
            policy_id__in={row["policy_id"] for row in rows}).values_list("policy_id", "name"):
        dependencies[policy_id].append(name)
    made = []
    now = timezone.now()
    for row in rows:
        reasons = match_reasons(event=facts, claim=ClaimFacts(
            loss_date=row["loss_date"], state=row["state"], loss_type_id=row["loss_type_id"],
            texts=(row["description"], *answers[row["pk"]]),
            dependencies=tuple(dependencies[row["policy_id"]]),
        ))
        if not reasons:
            continue
        suggestion, created = EventSuggestion.objects.get_or_create(
            event=event, claim_id=row["pk"], defaults={"reasons": reasons, "created_at": now}
        )
        if not created:
            continue
        audit_record(actor=by, action="event.claim_suggested", obj=suggestion, to_value="open",
                     reason="; ".join(reasons),
                     payload={"event": event.name, "claim": row["number"]}, claim_id=row["pk"])
        made.append(suggestion)
    return made


def event_suggest(*, event: CyberEvent, by) -> list[EventSuggestion]:
    """An adjuster asks for the matching claims again (new answers, changed descriptions)."""
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters look for an event's claims."))
    with business_action():
        return suggestions_make(event=event, by=by)


def claim_suggest_events(*, claim_id: int) -> list[EventSuggestion]:
    """A newly reported claim: suggest it for every event whose window covers its loss date
    (system action, idempotent)."""
    claim = Claim.objects.filter(pk=claim_id).only("loss_date").first()
    if claim is None:
        return []
    made = []
    # Only the events the claim is neither linked to nor suggested for: a claim reported under
    # its event in a surge (linked when registered) costs this one query and no transaction.
    events = list(events_covering(claim.loss_date)
                  .exclude(pk__in=EventClaim.objects.filter(claim_id=claim_id).values("event_id"))
                  .exclude(pk__in=EventSuggestion.objects.filter(claim_id=claim_id)
                           .values("event_id")))
    if not events:
        return []
    prefetch_related_objects(events, "loss_types")
    for event in events:
        with business_action():
            made.extend(suggestions_make(event=event, claim_ids=[claim_id]))
    return made


def _lock_open(suggestion: EventSuggestion) -> EventSuggestion:
    locked = EventSuggestion.objects.select_for_update().select_related(
        "event", "claim").get(pk=suggestion.pk)
    if locked.status != EventSuggestion.Status.OPEN:
        raise TransitionConflict(
            _("The suggestion was %(status)s already.") % {
                "status": locked.get_status_display().lower()})
    return locked


def suggestion_confirm(*, suggestion: EventSuggestion, by) -> EventClaim:
    """The adjuster confirms: the claim is linked to the event."""
    from .links import link_record

    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters confirm suggestions."))
    with business_action():
        locked = _lock_open(suggestion)
        locked.status = EventSuggestion.Status.CONFIRMED
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save(update_fields=["status", "decided_by", "decided_at"])
        audit_record(actor=by, action="event.suggestion_confirmed", obj=locked,
                     from_value="open", to_value="confirmed", claim_id=locked.claim_id,
                     payload={"event": locked.event.name})
        return link_record(event=locked.event, claim=locked.claim, by=by,
                           source=EventClaim.Source.SUGGESTION)


def suggestion_reject(*, suggestion: EventSuggestion, by, reason: str = "") -> EventSuggestion:
    """The adjuster rejects: the claim is not part of the event (it is never suggested again)."""
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters reject suggestions."))
    if len(reason) > 2000:
        raise ClaimValidationError({"reason": _("Keep the reason under 2,000 characters.")})
    with business_action():
        locked = _lock_open(suggestion)
        locked.status = EventSuggestion.Status.REJECTED
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.decision_reason = reason.strip()
        locked.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        audit_record(actor=by, action="event.suggestion_rejected", obj=locked,
                     from_value="open", to_value="rejected", reason=locked.decision_reason,
                     claim_id=locked.claim_id, payload={"event": locked.event.name})
    return locked


