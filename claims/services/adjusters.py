"""Adjusters' profiles: team lead (for escalations) and approval limit (for settlements)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import AdjusterProfile
from claims.services.tx import business_action
from config.audit import audit_record
from coverage.money import money


def adjuster_profile_set(
    *, user, team_lead, approval_limit: Decimal | None, by
) -> AdjusterProfile:
    """Create or change an adjuster's profile: administrators only, and never their own
    (segregation of duties: nobody raises their own approval limit). The approval limit is
    personal and only lowers the authority level's limit (levels are data only an administrator
    edits: ``money.AuthorityLevel``)."""
    if by is not None and user is not None and by.pk == user.pk:
        raise PermissionDeniedError(_("Nobody changes their own profile or approval limit; ask "
                                      "another administrator."))
    if not getattr(by, "is_superuser", False) or not getattr(by, "is_active", False):
        raise PermissionDeniedError(_("Only administrators set up adjusters and approval limits."))
    errors = {}
    if not roles.is_adjuster(user):
        errors["user"] = _("The user is not in the group adjusters.")
    if team_lead is not None and not roles.is_team_lead(team_lead):
        errors["team_lead"] = _("The team lead must be in the group team_leads.")
    if approval_limit is not None and money(approval_limit) < 0:
        errors["approval_limit"] = _("The approval limit cannot be negative.")
    if errors:
        raise ClaimValidationError(errors)
    limit = None if approval_limit is None else money(approval_limit)
    with business_action():
        profile, created = AdjusterProfile.objects.select_for_update().get_or_create(
            user=user, defaults={"team_lead": team_lead, "approval_limit": limit}
        )
        before = "" if created else f"{profile.team_lead_id}/{profile.approval_limit}"
        profile.team_lead = team_lead
        profile.approval_limit = limit
        profile.save()
        audit_record(
            actor=by, action="adjuster_profile.set", obj=profile, from_value=before,
            to_value=f"{profile.team_lead_id}/{profile.approval_limit}",
            payload={"user": user.get_username(),
                     "team_lead": team_lead.get_username() if team_lead else None,
                     "approval_limit": limit},
        )
    return profile
