"""What the money services share: who may act, approval limits, locks in a fixed order."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from claims import roles
from claims.exceptions import PermissionDeniedError
from claims.models import AdjusterProfile
from coverage.money import ZERO
from policies.models import InsuranceYearAccount


def require_adjuster(by, doing: str) -> None:
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(f"Only adjusters {doing}.")


def approval_limit(user) -> Decimal:
    """The user's financial authority (0.00 without an adjuster profile)."""
    limit = (
        AdjusterProfile.objects.filter(user=user).values_list("approval_limit", flat=True).first()
    )
    return limit if limit is not None else ZERO


def lock_accounts(account_ids: Iterable[int]) -> dict[int, InsuranceYearAccount]:
    """Lock insurance-year accounts in pk order (the lock that guards the annual aggregate)."""
    accounts = InsuranceYearAccount.objects.select_for_update().filter(
        pk__in=set(account_ids)
    ).order_by("pk")
    return {account.pk: account for account in accounts}
