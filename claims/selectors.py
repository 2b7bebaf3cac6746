"""Reads for the claims screens, services and tasks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce, Now
from django.utils import timezone
from django.utils.translation import gettext_lazy

from claims import roles
from claims.models import FINAL_STATES, Activity, Claim, InformationRequest
from config.models import AuditEntry
from config.sql import Constant
from policies.models import CoverageSection, InsuranceYearAccount, Policy


def duplicate_candidates(
    *, policy: Policy, loss_date: date, window_days: int, exclude_pk: int | None
) -> QuerySet[Claim]:
    window = timedelta(days=window_days)
    return duplicate_candidates_between(policy=policy, first=loss_date - window,
                                        last=loss_date + window, exclude_pk=exclude_pk)


def duplicate_candidates_between(
    *, policy: Policy | int, first: date, last: date, exclude_pk: int | None
) -> QuerySet[Claim]:
    """The policy's claims with a loss date from ``first`` to ``last`` (but ``exclude_pk``)."""
    claims = Claim.objects.filter(policy=policy, loss_date__range=(first, last))
    if exclude_pk is not None:
        claims = claims.exclude(pk=exclude_pk)
    return claims.order_by("reported_at")


def open_information_due() -> Subquery:
    """The earliest due date of the claim's open information requests (None: none is open), as
    a subquery per row (served by the partial index on open requests, also in a generic plan:
    the status is a ``Constant``)."""
    return Subquery(
        InformationRequest.objects.filter(
            claim=OuterRef("pk"), status=Constant(InformationRequest.Status.OPEN)
        ).order_by("due_date").values("due_date")[:1]
    )


def with_open_information(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """``claims`` with ``open_information_due`` annotated, which ``Claim.awaiting_information``
    and ``Claim.information_due_date`` read instead of querying once per claim."""
    return claims.annotate(open_information_due=open_information_due())


def claims_for_queue(*, now: datetime | None = None) -> QuerySet[Claim]:
    """Claims with what the work queue shows: open information requests and activities.

    Each figure is a subquery evaluated for the rows of the page only (never a GROUP BY over the
    whole book), each served by a partial index on the open rows. The next due time is the
    claim's stored ``next_due_at`` (kept by the database), so the list sorts by it from an index.
    """
    # without ``now``, the database's clock: the queryset is then the same for every request
    # (the admin's claim list builds it once per process)
    open_activities = Activity.objects.filter(claim=OuterRef("pk"), completed_at__isnull=True)
    overdue = (
        open_activities.filter(due_at__lt=Now() if now is None else now).order_by().values("claim")
        .annotate(count=Count("pk")).values("count")
    )
    return with_open_information(Claim.objects.select_related(
        "policy__policyholder", "policy__product", "loss_type", "assigned_adjuster"
    )).annotate(
        overdue_count=Coalesce(Subquery(overdue), 0),
    )


def claims_with_overdue_activities(queryset: QuerySet[Claim], *,
                                   now: datetime | None = None) -> QuerySet[Claim]:
    """The claims of ``queryset`` with an open activity due before ``now``: their earliest due
    time (``Claim.next_due_at``, kept by the database from the open activities) has passed."""
    return queryset.filter(next_due_at__lt=now or timezone.now())


def claim_audit_history(*, claim: Claim) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(claim_id=claim.pk).select_related("actor").order_by(
        "created_at", "id"
    )


def account_for(*, section: CoverageSection, loss_date: date) -> InsuranceYearAccount | None:
    return InsuranceYearAccount.objects.filter(
        section=section, starts_on__lte=loss_date, ends_on__gt=loss_date
    ).first()


def covering_sections(*, policy: Policy, loss_type) -> QuerySet[CoverageSection]:
    """The policy's sections whose module covers the loss type."""
    return policy.sections.covering(loss_type).base_first()


@dataclass(frozen=True)
class SectionOverview:
    section: CoverageSection
    covers_loss_type: bool
    account: InsuranceYearAccount | None

    @property
    def aggregate_remaining(self) -> Decimal | None:
        return self.account.remaining if self.account else None


def claim_policy_sections(
    *, claim: Claim, sections: list[CoverageSection] | None = None,
    accounts: list[InsuranceYearAccount] | None = None, covering: set[int] | None = None,
) -> list[SectionOverview]:
    """Every section of the claim's policy with its aggregate account for the loss date.
    ``sections`` (base first, with their module), ``accounts`` (those of the loss date) and
    ``covering`` (the keys of the sections covering the loss type): the policy's rows when the
    caller read them already."""
    if covering is None:
        covering = set(
            covering_sections(policy=claim.policy, loss_type=claim.loss_type).values_list(
                "pk", flat=True
            )
        )
    if accounts is None:
        accounts = InsuranceYearAccount.objects.filter(
            section__policy=claim.policy,
            starts_on__lte=claim.loss_date,
            ends_on__gt=claim.loss_date,
        )
    by_section = {account.section_id: account for account in accounts}
    if sections is None:
        sections = claim.policy.sections.base_first()
    return [
        SectionOverview(
            section=section,
            covers_loss_type=section.pk in covering,
            account=by_section.get(section.pk),
        )
        for section in sections
    ]


def team_leads_for(*, claim: Claim) -> list:
    """Whom to escalate to: the assigned adjuster's team lead, else every active team lead."""
    adjuster = claim.assigned_adjuster
    profile = getattr(adjuster, "adjuster_profile", None) if adjuster else None
    if profile is not None and profile.team_lead and profile.team_lead.is_active:
        return [profile.team_lead]
    return list(
        get_user_model()
        .objects.filter(groups__name=roles.TEAM_LEADS, is_active=True)
        .order_by("pk")
        .distinct()
    )


def adjusters() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(groups__name=roles.ADJUSTERS, is_active=True)
        .order_by("username")
        .distinct()
    )


# --- search -------------------------------------------------------------------------------------

def claims_search(claims: QuerySet[Claim], text: str) -> QuerySet[Claim]:
    """Claims whose number, description, claimant, policy number or policyholder (company or
    contact) contains every word of ``text`` (case-insensitive).

    The words are looked for in ``Claim.search_text``, those fields upper-cased in one column
    kept by the database, with one trigram index where ``pg_trgm`` is installed (migration
    ``claims.0009_claim_search_text``): PostgreSQL finds a rare word's claims by the index and
    walks the list's order for a common one, stopping at the page's last row.
    """
    for term in text.replace(",", " ").split():
        claims = claims.filter(search_text__contains=term.upper())
    return claims


# The adjusters' work queues (the admin's list filter, the API's ``?queue=``, the start page).
WORK_QUEUES = [
    ("mine", gettext_lazy("My claims")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("overdue", gettext_lazy("Overdue activities")),
    ("awaiting", gettext_lazy("Awaiting information")),
    ("duplicates", gettext_lazy("Possible duplicates to review")),
    ("emergencies", gettext_lazy("Open emergencies")),
    ("messages", gettext_lazy("Messages from policyholders")),
    ("open", gettext_lazy("All open claims")),
]


def claims_in_queue(queryset: QuerySet[Claim], queue: str, *, user,
                    now: datetime | None = None) -> QuerySet[Claim]:
    """The claims of ``queryset`` in the work queue ``queue`` (a code of ``WORK_QUEUES``) as
    ``user`` sees it ("mine": assigned to them); an unknown code filters nothing."""
    open_claims = queryset.exclude(state__in=FINAL_STATES)
    if queue == "mine":
        return open_claims.filter(assigned_adjuster=user)
    if queue == "unassigned":
        return open_claims.filter(assigned_adjuster__isnull=True)
    if queue == "overdue":
        return claims_with_overdue_activities(queryset, now=now)
    if queue == "awaiting":
        return queryset.filter(Exists(InformationRequest.objects.filter(
            claim=OuterRef("pk"), status=InformationRequest.Status.OPEN)))
    if queue == "duplicates":
        return queryset.filter(possible_duplicate_of__isnull=False,
                               duplicate_reviewed_at__isnull=True)
    if queue == "emergencies":
        return open_claims.filter(emergency=True)
    if queue == "messages":
        return claims_with_unanswered_messages(queryset)
    if queue == "open":
        return open_claims
    return queryset


def claims_with_unanswered_messages(queryset: QuerySet) -> QuerySet:
    """The claims whose latest note is a message from the policyholder: nobody answered yet
    (``Claim.unanswered_message``, kept by the database from the notes)."""
    return queryset.filter(unanswered_message=True)
