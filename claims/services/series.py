"""Claim series: claims from one cause, linked by an adjuster; they share one deductible and one
per-loss limit (the money follows in the settlement)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import Claim, ClaimSeries
from claims.services.tx import business_action
from config.audit import audit_record


def claim_series_link(*, claims: Sequence[Claim], cause: str, by) -> ClaimSeries:
    """Link claims into one series. Claims already in a series bring it along (at most one
    series may be involved); all claims must be under the same policy."""
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters link claims."))
    with business_action():
        locked = list(
            Claim.objects.select_for_update().filter(pk__in=[c.pk for c in claims]).order_by("pk")
        )
        series_ids = {claim.series_id for claim in locked if claim.series_id}
        if len(locked) < 2 and not series_ids:
            raise ClaimValidationError(_("Choose at least two claims to link."))
        if len(series_ids) > 1:
            raise ClaimValidationError(_("The claims are in different series; unlink one first."))
        if len({claim.policy_id for claim in locked}) > 1:
            raise ClaimValidationError(_("Only claims under the same policy can form a series."))
        if series_ids:
            series = ClaimSeries.objects.get(pk=series_ids.pop())
            if series.claims.exclude(policy_id=locked[0].policy_id).exists():
                raise ClaimValidationError(_("Only claims under the same policy can form a "
                                             "series."))
        else:
            if not cause.strip():
                raise ClaimValidationError({"cause": _("Name the common cause of the claims.")})
            series = ClaimSeries.objects.create(cause=cause.strip(), created_by=by)
        for claim in locked:
            if claim.series_id == series.pk:
                continue
            Claim.objects.filter(pk=claim.pk).update(series=series, updated_at=timezone.now())
            audit_record(
                actor=by, action="claim.series_linked", obj=claim, to_value=f"series {series.pk}",
                reason=series.cause, payload={"series": series.pk},
                claim_id=claim.pk,
            )
    for claim in claims:
        claim.series = series
    return series


def claim_series_unlink(*, claim: Claim, by, reason: str = "") -> None:
    """Take a claim out of its series; a series left with one claim is dissolved."""
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters unlink claims."))
    with business_action():
        locked = Claim.objects.select_for_update().get(pk=claim.pk)
        if locked.series_id is None:
            raise ClaimValidationError(_("This claim is not in a series."))
        series = locked.series
        Claim.objects.filter(pk=locked.pk).update(series=None, updated_at=timezone.now())
        audit_record(
            actor=by, action="claim.series_unlinked", obj=locked,
            from_value=f"series {series.pk}", reason=reason, payload={"series": series.pk},
            claim_id=locked.pk,
        )
        rest = list(series.claims.select_for_update().order_by("pk"))
        if len(rest) == 1:
            Claim.objects.filter(pk=rest[0].pk).update(series=None, updated_at=timezone.now())
            audit_record(
                actor=by, action="claim.series_unlinked", obj=rest[0],
                from_value=f"series {series.pk}", reason="The series has no other claim left.",
                payload={"series": series.pk}, claim_id=rest[0].pk,
            )
    claim.series = None
