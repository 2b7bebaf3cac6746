"""What the money services share: who may act, financial authority, locks in a fixed order."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import PermissionDeniedError
from claims.models import AdjusterProfile
from claims.money.models import AuthorityLevel
from coverage.money import ZERO
from policies.models import InsuranceYearAccount


def require_adjuster(by, doing: str) -> None:
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters %(doing)s.") % {"doing": doing})


def authority_level(user) -> AuthorityLevel | None:
    """The highest authority level of the groups ``user`` is in (None: no authority)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return AuthorityLevel.objects.filter(group__user=user).order_by("-rank").first()


def approval_limit(user) -> Decimal | None:
    """The user's financial authority: their authority level's limit (None: without limit),
    lowered by a personal limit on their adjuster profile where one is set; 0.00 without a
    level."""
    level = authority_level(user)
    if level is None:
        return ZERO
    personal = (
        AdjusterProfile.objects.filter(user=user).values_list("approval_limit", flat=True).first()
    )
    limits = [limit for limit in (level.approval_limit, personal) if limit is not None]
    return min(limits) if limits else None


def may_approve(user, amount: Decimal) -> bool:
    limit = approval_limit(user)
    return limit is None or amount <= limit


def level_needed(amount: Decimal) -> AuthorityLevel | None:
    """The lowest authority level that may approve ``amount``."""
    for level in AuthorityLevel.objects.order_by("rank"):
        if level.may_approve(amount):
            return level
    return None


def lock_accounts(account_ids: Iterable[int]) -> dict[int, InsuranceYearAccount]:
    """Lock insurance-year accounts in pk order (the lock that guards the annual aggregate)."""
    accounts = InsuranceYearAccount.objects.select_for_update().filter(
        pk__in=set(account_ids)
    ).order_by("pk")
    return {account.pk: account for account in accounts}
