"""Declaring, changing and closing an event. Declaring (or changing what identifies it) looks for
the new and open claims that probably belong to it."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.services.tx import business_action
from config.audit import audit_record

from ..models import CyberEvent, EventKind, cve_id_validator
from .suggestions import suggestions_make

IDENTIFIERS = ("providers", "software", "indicators", "cve_id", "loss_types")
FIELDS = ("name", "kind", "description", "starts_at", "ends_at", *IDENTIFIERS,
          "report_loss_type", "vendor_panel")


def require_adjuster(user, what: str) -> None:
    if not roles.is_adjuster(user):
        raise PermissionDeniedError(_("Only adjusters %(what)s.") % {"what": what})


def _names(values) -> list[str]:
    """Stripped, without blanks and duplicates (case-insensitive), in the order given."""
    seen, names = set(), []
    for value in values or ():
        name = str(value).strip()
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def event_validate(*, data: dict, event: CyberEvent | None = None) -> dict:
    """The event's fields cleaned, or a ClaimValidationError naming each wrong field."""
    errors: dict[str, str] = {}
    cleaned = dict(data)
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Give the event a name.")
    elif CyberEvent.objects.filter(name__iexact=name).exclude(
            pk=getattr(event, "pk", None)).exists():
        errors["name"] = _("An event called %(name)s exists already.") % {"name": repr(name)}
    cleaned["name"] = name
    cleaned["kind"] = data.get("kind")
    if data.get("kind") not in EventKind.values:
        errors["kind"] = _("Choose one of: %(join)s.") % {"join": ', '.join(EventKind.values)}
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    cleaned["starts_at"], cleaned["ends_at"] = starts_at, ends_at
    if not isinstance(starts_at, datetime):
        errors["starts_at"] = _("Give the time the event started.")
    elif starts_at > timezone.now():
        errors["starts_at"] = _("The start cannot be in the future.")
    elif ends_at is not None and ends_at < starts_at:
        errors["ends_at"] = _("The end cannot be before the start.")
    for field in ("providers", "software", "indicators"):
        cleaned[field] = _names(data.get(field))
    cve_id = str(data.get("cve_id") or "").strip().upper()
    if cve_id:
        try:
            cve_id_validator(cve_id)
        except ValidationError as error:
            errors["cve_id"] = " ".join(error.messages)
    cleaned["cve_id"] = cve_id
    cleaned["loss_types"] = list(data.get("loss_types") or [])
    cleaned["vendor_panel"] = list(data.get("vendor_panel") or [])
    cleaned["description"] = str(data.get("description") or "").strip()
    if not any(cleaned[field] for field in IDENTIFIERS):
        errors["providers"] = (_("Name at least one provider, software, indicator, CVE id or "
                                 "loss type, so that claims can be matched."))
    report_loss_type = data.get("report_loss_type") or (cleaned["loss_types"] or [None])[0]
    if report_loss_type is not None and report_loss_type.third_party:
        errors["report_loss_type"] = (_("The short report form is for the policyholder's own "
                                        "damage; choose a loss type that is not a third-party "
                                        "claim."))
    cleaned["report_loss_type"] = report_loss_type
    if errors:
        raise ClaimValidationError(errors)
    return cleaned


def _set_relations(event: CyberEvent, cleaned: dict) -> None:
    event.loss_types.set(cleaned["loss_types"])
    event.vendor_panel.set(cleaned["vendor_panel"])


def _snapshot(event: CyberEvent) -> dict:
    return {"providers": event.providers, "software": event.software,
            "indicators": event.indicators, "cve_id": event.cve_id,
            "starts_at": event.starts_at, "ends_at": event.ends_at,
            "loss_types": sorted(event.loss_types.values_list("code", flat=True))}


def event_declare(*, by, **data) -> CyberEvent:
    """An adjuster declares an event; the new and open claims that match it are suggested at
    once (in the same transaction)."""
    require_adjuster(by, _("declare events"))
    cleaned = event_validate(data=data)
    with business_action():
        event = CyberEvent.objects.create(
            declared_by=by, **{field: cleaned[field] for field in FIELDS
                               if field not in ("loss_types", "vendor_panel")},
        )
        _set_relations(event, cleaned)
        audit_record(actor=by, action="event.declared", obj=event, to_value=event.status,
                     payload={"kind": event.kind, **_snapshot(event)})
        suggestions_make(event=event, by=by)
    return event


def event_update(*, event: CyberEvent, by, **changes) -> CyberEvent:
    """Change the event (its window, what identifies it, the panel); looks for matching claims
    again."""
    require_adjuster(by, _("change events"))
    current = {field: getattr(event, field) for field in FIELDS
               if field not in ("loss_types", "vendor_panel")}
    current["loss_types"] = list(event.loss_types.all())
    current["vendor_panel"] = list(event.vendor_panel.all())
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise ClaimValidationError(
            dict.fromkeys(sorted(unknown), _("This field cannot be changed.")))
    if "starts_at" not in changes:
        # Only a new start is refused in the future; a kept one is kept.
        current["starts_at"] = min(event.starts_at, timezone.now())
    cleaned = event_validate(data={**current, **changes}, event=event)
    with business_action():
        locked = CyberEvent.objects.select_for_update().get(pk=event.pk)
        before = _snapshot(locked)
        for field in FIELDS:
            if field not in ("loss_types", "vendor_panel"):
                setattr(locked, field, cleaned[field])
        if "starts_at" not in changes:
            locked.starts_at = event.starts_at
        locked.save()
        _set_relations(locked, cleaned)
        audit_record(actor=by, action="event.changed", obj=locked, from_value=event.status,
                     to_value=locked.status, payload={"before": before,
                                                      "after": _snapshot(locked)})
        suggestions_make(event=locked, by=by)
    return locked


def event_close(*, event: CyberEvent, by, ends_at: datetime | None = None) -> CyberEvent:
    """The event is over: the portal stops offering its short report form. Its claims stay."""
    require_adjuster(by, _("close events"))
    with business_action():
        locked = CyberEvent.objects.select_for_update().get(pk=event.pk)
        if not locked.is_open:
            raise TransitionConflict(_("The event is closed already."))
        now = timezone.now()
        end = ends_at or locked.ends_at or now
        if end < locked.starts_at:
            raise ClaimValidationError({"ends_at": _("The end cannot be before the start.")})
        locked.status = CyberEvent.Status.CLOSED
        locked.ends_at = end
        locked.closed_by = by
        locked.closed_at = now
        locked.save(update_fields=["status", "ends_at", "closed_by", "closed_at", "updated_at"])
        audit_record(actor=by, action="event.closed", obj=locked, from_value="open",
                     to_value="closed", payload={"ends_at": end})
    return locked
