"""Reads of the privacy app: retention of a claim, the claims and records of a data subject, and
the access log per claim and per person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import DateTimeField, Exists, Max, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from claims.models import Claim, ClaimState
from config.models import AuditEntry
from config.statements import Prepared
from policies.models import Policyholder, add_years

from .models import AccessLogEntry, LegalHold, RetentionRule, SubjectKind

RULE_OF_STATE = {
    ClaimState.CLOSED: RetentionRule.AppliesTo.CLOSED_CLAIM,
    ClaimState.WITHDRAWN: RetentionRule.AppliesTo.WITHDRAWN_REPORT,
}


# The retention rules and a claim's active legal hold (the latest), compiled once per connection:
# the claim page shows a claim's retention on every view.
_RULES = Prepared(lambda p: RetentionRule.objects.all())
_ACTIVE_HOLD = Prepared(lambda p: LegalHold.objects.filter(
    claim_id=p.int("claim_id"), released_at__isnull=True)[:1])


def rules() -> dict[str, RetentionRule]:
    return {rule.applies_to: rule for rule in _RULES.all()}


def with_retention_start(claims: QuerySet[Claim]) -> QuerySet[Claim]:
    """Annotate ``retention_from``: when the claim last entered its final state (from the audit
    trail; a claim without one, e.g. migrated, counts from its last change)."""
    closing = (
        AuditEntry.objects.filter(claim_id=OuterRef("pk"), action="claim.transition",
                                  to_value=OuterRef("state"))
        .values("claim_id").annotate(last=Max("created_at")).values("last")[:1]
    )
    return claims.annotate(retention_from=Coalesce(
        Subquery(closing, output_field=DateTimeField()), "updated_at"))


@dataclass(frozen=True)
class Retention:
    """Where a claim stands: ``kept_until`` is None while it is open."""

    claim: Claim
    rule: RetentionRule | None
    retention_from: datetime | None
    kept_until: date | None
    hold: LegalHold | None
    pseudonymised: bool

    def due(self, today: date) -> bool:
        return (not self.pseudonymised and self.hold is None and self.kept_until is not None
                and self.kept_until <= today)

    def why_kept(self, today: date) -> str:
        if self.pseudonymised:
            return _("Already pseudonymised.")
        if self.hold is not None:
            return _("Legal hold since %(date)s: %(reason)s") % {
                "date": f"{self.hold.placed_at:%d.%m.%Y}", "reason": self.hold.reason}
        if self.kept_until is None:
            return _("The claim is still being handled.")
        if self.kept_until > today:
            return _("Retention period until %(date)s (%(basis)s).") % {
                "date": f"{self.kept_until:%d.%m.%Y}", "basis": self.rule.legal_basis}
        return _("Retention period ended on %(date)s.") % {"date": f"{self.kept_until:%d.%m.%Y}"}


def claim_retention(claim: Claim, *, rule_map: dict | None = None) -> Retention:
    rule_map = rule_map if rule_map is not None else rules()
    start = getattr(claim, "retention_from", None)
    if start is None and claim.state in RULE_OF_STATE:
        start = with_retention_start(Claim.objects.filter(pk=claim.pk)).values_list(
            "retention_from", flat=True).first()
    rule = rule_map.get(RULE_OF_STATE.get(claim.state, ""))
    kept_until = None
    if rule is not None and start is not None:
        kept_until = add_years(timezone.localtime(start).date(), rule.years)
    hold = _ACTIVE_HOLD.first(claim_id=claim.pk)
    if hold is not None:
        hold.claim = claim  # as ``claim.legal_holds`` gives it: no query for the claim
    return Retention(claim=claim, rule=rule, retention_from=start, kept_until=kept_until,
                     hold=hold, pseudonymised=hasattr(claim, "pseudonymisation"))


def claims_due(*, today: date) -> list[Retention]:
    """Claims in a final state past their retention period, without an active hold, not yet
    pseudonymised. The period is filtered in SQL (a day early, for 29 February), then each
    candidate is checked exactly."""
    rule_map = rules()
    active_hold = LegalHold.objects.filter(claim=OuterRef("pk"), released_at__isnull=True)
    result = []
    for state, applies_to in RULE_OF_STATE.items():
        rule = rule_map.get(applies_to)
        if rule is None:
            continue
        cutoff = add_years(today, -rule.years) + timedelta(days=1)
        candidates = with_retention_start(
            Claim.objects.filter(state=state, pseudonymisation__isnull=True)
            .exclude(Exists(active_hold)).select_related("policy__policyholder")
        ).filter(retention_from__lt=timezone.make_aware(
            datetime.combine(cutoff, time.min))).order_by("pk")
        for claim in candidates:
            retention = claim_retention(claim, rule_map=rule_map)
            if retention.due(today):
                result.append(retention)
    return result


def policyholder_kept_until(holder: Policyholder, *, rule_map: dict | None = None) -> date | None:
    """When the policyholder's own record may go: the end of the last policy plus the rule's
    years (None while a policy runs)."""
    rule = (rule_map if rule_map is not None else rules()).get(
        RetentionRule.AppliesTo.ENDED_POLICY)
    ends = []
    for policy in holder.policies.all():
        if policy.status == policy.Status.ACTIVE:
            return None
        ends.append(policy.cancelled_from or policy.expiry_date)
    if rule is None:
        return None
    last = max(ends) if ends else timezone.localdate()
    return add_years(last, rule.years)


# --- a data subject's claims --------------------------------------------------------------------


def subject_claims(subject) -> QuerySet[Claim]:
    """The claims a request's subject appears on (as policyholder, claimant, or vendor)."""
    claims = Claim.objects.select_related("policy__policyholder", "loss_type")
    if subject.subject_kind == SubjectKind.POLICYHOLDER:
        return claims.filter(policy__policyholder=subject.policyholder).order_by("pk")
    if subject.subject_kind == SubjectKind.CLAIMANT:
        return claims.filter(claimant_email__iexact=subject.claimant_email).order_by("pk")
    return claims.filter(vendor_jobs__organisation=subject.vendor_organisation).distinct(
    ).order_by("pk")


# --- the access log -----------------------------------------------------------------------------


def access_log_for_claim(*, claim_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(claim_id=claim_id).select_related(
        "user", "document", "claim").order_by("-at", "-id")


def access_log_for_policyholder(*, policyholder_id: int) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(policyholder_id=policyholder_id).select_related(
        "user", "document", "claim").order_by("-at", "-id")


def access_log_for_claimant(*, email: str) -> QuerySet[AccessLogEntry]:
    return AccessLogEntry.objects.filter(claim__claimant_email__iexact=email).select_related(
        "user", "document", "claim").order_by("-at", "-id")
