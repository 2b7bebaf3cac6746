"""What the money services share: who may act, financial authority, locks in a fixed order."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import PermissionDeniedError
from claims.models import AdjusterProfile, Claim, ClaimSection
from claims.money.models import AuthorityLevel, Settlement
from config.statements import Prepared, in_subquery
from coverage.money import ZERO
from policies.models import InsuranceYearAccount


def require_adjuster(by, doing: str) -> None:
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters %(doing)s.") % {"doing": doing})


@dataclass(frozen=True)
class Authority:
    level: AuthorityLevel | None  # the highest level of the user's groups
    personal: Decimal | None  # the personal limit on their adjuster profile

    @property
    def limit(self) -> Decimal | None:
        """Their level's limit (None: without limit), lowered by a personal limit where one is
        set; 0.00 without a level."""
        if self.level is None:
            return ZERO
        limits = [limit for limit in (self.level.approval_limit, self.personal)
                  if limit is not None]
        return min(limits) if limits else None


_GROUPS_WITH_AUTHORITY = Prepared(lambda p: (
    Group.objects.filter(user=p.int("user_id")).select_related("authority")
    .annotate(personal_limit=Subquery(
        AdjusterProfile.objects.filter(user=p.int("user_id")).values("approval_limit")[:1]))
))


def authority_of(user) -> Authority:
    """The user's financial authority, read now in one query with the names of their groups (kept
    for ``roles`` like every read of them)."""
    return authority_send(user)()


def authority_send(user) -> Callable[[], Authority]:
    """``authority_of`` in two steps (``config.statements.pipeline``): the read is sent now, the
    function returned gives the authority."""
    if user is None or not getattr(user, "is_authenticated", False):
        return lambda: Authority(None, None)
    sent = _GROUPS_WITH_AUTHORITY.send(user_id=user.pk)

    def authority() -> Authority:
        groups = sent()
        roles.remember_group_names(user, [group.name for group in groups])
        levels = [group.authority for group in groups if hasattr(group, "authority")]
        return Authority(level=max(levels, key=lambda level: level.rank, default=None),
                         personal=groups[0].personal_limit if groups else None)

    return authority


def authority_level(user) -> AuthorityLevel | None:
    """The highest authority level of the groups ``user`` is in (None: no authority)."""
    return authority_of(user).level


def approval_limit(user) -> Decimal | None:
    """The user's financial authority: their authority level's limit (None: without limit),
    lowered by a personal limit on their adjuster profile where one is set; 0.00 without a
    level."""
    return authority_of(user).limit


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
    """Lock insurance-year accounts in pk order (the lock that guards the annual aggregate).

    ``FOR NO KEY UPDATE``: the money services that lock an account exclude each other as with
    ``FOR UPDATE``, but a row that only refers to the account (a payment's ledger row, whose
    foreign key takes a key-share lock) is written without waiting for them."""
    accounts = InsuranceYearAccount.objects.select_for_update(no_key=True).filter(
        pk__in=set(account_ids)
    ).order_by("pk")
    return {account.pk: account for account in accounts}


def lock_event_accounts(settlement) -> dict[int, InsuranceYearAccount]:
    """Lock, in pk order and in one statement, the settlement's account and every account the
    claims of its loss event (the claim, or its series) have sections, cover or settlements on:
    an approval reads and may change what the whole loss event owes."""
    return lock_event_accounts_send(settlement)()


def lock_event_accounts_send(settlement) -> Callable[[], dict[int, InsuranceYearAccount]]:
    """``lock_event_accounts`` in two steps (``config.statements.pipeline``): the locking read
    is sent now, the function returned gives the accounts once their locks are held."""
    sent = _EVENT_ACCOUNTS.send(claim_id=settlement.claim_id, account_id=settlement.account_id)
    return lambda: {account.pk: account for account in sent()}


def event_accounts(claim_id, account_id) -> QuerySet[InsuranceYearAccount]:
    """``lock_event_accounts``' read: each kind of account is looked up in the accounts' index
    (``in_subquery``), whatever the number of accounts."""
    series = Claim.objects.filter(pk=claim_id).values("series_id")[:1]
    event = Claim.objects.filter(Q(pk=claim_id) | Q(series_id=Subquery(series))).values("pk")
    return InsuranceYearAccount.objects.select_for_update(no_key=True).filter(
        Q(pk=account_id)
        | Q(in_subquery("pk", ClaimSection.objects.filter(claim__in=event)
                        .values("account_id")))
        | Q(in_subquery("pk", Claim.objects.filter(pk__in=event)
                        .values("coverage_account_id")))
        | Q(in_subquery("pk", Settlement.objects.filter(claim__in=event).values("account_id")))
    ).order_by("pk")


_EVENT_ACCOUNTS = Prepared(lambda p: event_accounts(p.int("claim_id"), p.int("account_id")))
