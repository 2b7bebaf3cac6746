"""The ransom agreement: "where nothing else helps and after agreement" (DOMAIN.md, "Ransom").
Recorded before a cost line of a category that requires it can be approved."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import ClaimValidationError
from claims.models import Claim
from claims.money.models import RansomAgreement
from claims.money.services.common import require_adjuster
from claims.money.services.lines import _open_claim
from claims.services.tx import business_action
from config.audit import audit_record


def ransom_agreement_record(
    *, claim: Claim, agreed_by_name: str, agreed_at: datetime, police_report_reference: str,
    by, note: str = "",
) -> RansomAgreement:
    """Record who at the insurer agreed to a ransom, when, and the police report reference."""
    require_adjuster(by, _("record a ransom agreement"))
    errors = {}
    if not (agreed_by_name or "").strip():
        errors["agreed_by_name"] = _("Name who at the insurer agreed to the ransom.")
    if not (police_report_reference or "").strip():
        errors["police_report_reference"] = _("Give the police report reference.")
    if agreed_at is None:
        errors["agreed_at"] = _("Give when the agreement was given.")
    elif agreed_at > timezone.now():
        errors["agreed_at"] = _("The agreement cannot be in the future.")
    if errors:
        raise ClaimValidationError(errors)
    with business_action():
        locked = _open_claim(claim)
        agreement = RansomAgreement.objects.create(
            claim=locked, agreed_by_name=agreed_by_name.strip(), agreed_at=agreed_at,
            police_report_reference=police_report_reference.strip(), note=note.strip(),
            recorded_by=by,
        )
        audit_record(
            actor=by, action="money.ransom_agreed", obj=agreement,
            to_value=agreement.police_report_reference, reason=note.strip(),
            payload={"agreed_by": agreement.agreed_by_name, "agreed_at": agreed_at},
            claim_id=locked.pk,
        )
    return agreement
