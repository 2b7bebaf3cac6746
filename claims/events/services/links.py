"""Linking claims to an event: by hand, in bulk from the claim list, by a confirmed suggestion
or by the policyholder reporting under the event. Unlinking keeps the history (audit)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError, TransitionConflict
from claims.models import Claim
from claims.services.tx import business_action
from config.audit import audit_record
from config.rows import RowBatch

from ..models import CyberEvent, EventClaim, EventSuggestion
from .declare import require_adjuster


def link_record(*, event: CyberEvent, claim: Claim, by, source: str) -> EventClaim:
    """Link inside the caller's transaction; an open suggestion of the pair counts as confirmed.
    A second link of the same pair is a 409."""
    link, created = EventClaim.objects.get_or_create(
        event=event, claim=claim,
        defaults={"source": source, "linked_by": by, "linked_at": timezone.now()},
    )
    if not created:
        raise TransitionConflict(_("Claim %(claim)s is linked to %(event)s already.") % {
                                     "claim": claim.number, "event": event})
    EventSuggestion.objects.filter(event=event, claim=claim,
                                   status=EventSuggestion.Status.OPEN).update(
        status=EventSuggestion.Status.CONFIRMED, decided_by=by, decided_at=link.linked_at)
    audit_record(actor=by, action="event.claim_linked", obj=link, to_value=event.name,
                 payload={"event": event.pk, "claim": claim.number, "source": source},
                 claim_id=claim.pk)
    return link


def link_reported_claims(*, reported: list[tuple[CyberEvent, Claim, object]],
                         rows: RowBatch) -> list[EventClaim]:
    """Link claims created in the caller's transaction from reports under their events
    (``(event, claim, reported_by)`` each): they can have no link or suggestion yet, so the
    links are inserted together in one statement (``link_record``'s lookup, savepoint and
    suggestion update are for claims that existed before) and their audit rows go with the
    caller's ``rows``."""
    links = RowBatch()
    made = [links.insert(EventClaim(event=event, claim=claim, source=EventClaim.Source.REPORT,
                                    linked_by=by, linked_at=timezone.now()))
            for event, claim, by in reported]
    links.write()
    for link in made:
        audit_record(actor=link.linked_by, action="event.claim_linked", obj=link,
                     to_value=link.event.name,
                     payload={"event": link.event_id, "claim": link.claim.number,
                              "source": EventClaim.Source.REPORT},
                     claim_id=link.claim_id, rows=rows)
    return made


def event_claim_link(*, event: CyberEvent, claim: Claim, by,
                     source: str = EventClaim.Source.MANUAL) -> EventClaim:
    require_adjuster(by, _("link claims to events"))
    with business_action():
        return link_record(event=event, claim=claim, by=by, source=source)


def event_claims_link(*, event: CyberEvent, claims: Iterable[Claim], by
                      ) -> tuple[list[Claim], list[Claim]]:
    """Link many claims at once (all in one transaction); returns ``(linked, already_linked)``."""
    require_adjuster(by, _("link claims to events"))
    claims = sorted(claims, key=lambda claim: claim.pk)
    if not claims:
        raise ClaimValidationError({"claims": _("Choose at least one claim.")})
    linked, skipped = [], []
    with business_action():
        existing = set(EventClaim.objects.filter(event=event, claim__in=claims)
                       .values_list("claim_id", flat=True))
        for claim in claims:
            if claim.pk in existing:
                skipped.append(claim)
                continue
            link_record(event=event, claim=claim, by=by, source=EventClaim.Source.BULK)
            linked.append(claim)
    return linked, skipped


def event_claim_unlink(*, event: CyberEvent, claim: Claim, by, reason: str) -> None:
    require_adjuster(by, _("unlink claims from events"))
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Say why the claim is not part of the event.")})
    with business_action():
        link = EventClaim.objects.select_for_update().filter(event=event, claim=claim).first()
        if link is None:
            raise TransitionConflict(_("Claim %(claim)s is not linked to %(event)s.") % {
                                         "claim": claim.number, "event": event})
        audit_record(actor=by, action="event.claim_unlinked", obj=link, from_value=event.name,
                     reason=reason.strip(), payload={"event": event.pk, "claim": claim.number,
                                                     "source": link.source},
                     claim_id=claim.pk)
        link.delete()
