"""Who may do what in a claim: adjusters decide, team leads are adjusters with a team, and a
policyholder acts on their own claims only."""

from __future__ import annotations

ADJUSTERS = "adjusters"
TEAM_LEADS = "team_leads"


def group_names(user) -> frozenset[str]:
    """The names of the user's groups, read once per user object (so once per request for
    ``request.user``) and forgotten when the user's groups change through ``user.groups``."""
    names = getattr(user, "_claims_group_names", None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        user._claims_group_names = names
    return names


def remember_group_names(user, names) -> None:
    """Keep ``names`` as the user's groups (read by a query that needed them anyway)."""
    user._claims_group_names = frozenset(names)


def group_names_of(user_ref):
    """An annotation: the names of the groups of the user ``user_ref`` points at (e.g.
    ``OuterRef("pk")``), for a read of the user that keeps them with ``remember_group_names``."""
    from django.contrib.auth.models import Group
    from django.contrib.postgres.expressions import ArraySubquery

    return ArraySubquery(Group.objects.filter(user=user_ref).order_by().values("name"))


def forget_group_names(user) -> None:
    user.__dict__.pop("_claims_group_names", None)


def _in_group(user, name: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return name in group_names(user)


def is_adjuster(user) -> bool:
    """A member of the group "adjusters" (team leads are in it too)."""
    return _in_group(user, ADJUSTERS)


def is_team_lead(user) -> bool:
    """A member of the group "team_leads"."""
    return _in_group(user, TEAM_LEADS)


def is_policyholder_of(user, claim) -> bool:
    """``user`` is the login of the policyholder whose policy the claim is under."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return claim.policy.policyholder.user_id == user.pk
