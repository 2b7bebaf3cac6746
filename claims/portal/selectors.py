"""The portal's reads. Every query starts from the policyholder, so another policyholder's
policy, claim, question or document is simply not found (404)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.models import (
    FINAL_STATES,
    Claim,
    ClaimDocument,
    ClaimNote,
    ClaimState,
    InformationRequest,
    ReportReceipt,
)
from claims.money.models import Settlement, SettlementState
from claims.money.selectors import insured_share
from claims.money.steps import category_names, steps_text
from claims.selectors import with_open_information
from claims.vendors.models import VendorProgressUpdate
from config.models import AuditEntry
from coverage.models import CostCategory, LossType
from policies.models import CoverageSection, Policy, Policyholder


def policyholder_of(user) -> Policyholder:
    """The caller's policyholder record; a login without one has no portal (404)."""
    holder = getattr(user, "policyholder", None) if user.is_authenticated else None
    if holder is None:
        raise Http404(_("No policyholder record for this login."))
    return holder




def holder_policies(*, holder: Policyholder) -> QuerySet[Policy]:
    """The caller's policies with their sections, base module first (``ordered_sections``)."""
    sections = CoverageSection.objects.base_first()
    return (
        Policy.objects.filter(policyholder=holder)
        .select_related("product", "policyholder")
        .prefetch_related(Prefetch("sections", queryset=sections, to_attr="ordered_sections"))
        .order_by("-start_date", "number")
    )


def reportable_policies(*, holder: Policyholder) -> QuerySet[Policy]:
    """The policies a new incident can be reported under: the caller's active ones."""
    return holder_policies(holder=holder).filter(status=Policy.Status.ACTIVE)


def holder_policy(*, holder: Policyholder, pk: int) -> Policy:
    return get_object_or_404(holder_policies(holder=holder), pk=pk)


def holder_claims(*, holder: Policyholder) -> QuerySet[Claim]:
    """The caller's claims, newest first, with the due date of open questions annotated."""
    return with_open_information(
        Claim.objects.filter(policy__policyholder=holder)
        .select_related("policy__product", "loss_type")
        .order_by("-reported_at", "-id")
    )


def open_claims(*, holder: Policyholder) -> QuerySet[Claim]:
    """The claims we are still working on: a paid claim is done for the policyholder."""
    return holder_claims(holder=holder).exclude(
        state__in=FINAL_STATES + [ClaimState.DENIED, ClaimState.PAID])


def finished_claims(*, holder: Policyholder) -> QuerySet[Claim]:
    """The caller's claims that are over (paid, closed, withdrawn, denied): the complement of
    ``open_claims``."""
    return holder_claims(holder=holder).filter(
        state__in=FINAL_STATES + [ClaimState.DENIED, ClaimState.PAID])


def reports_not_registered(*, holder: Policyholder, days: int = 30) -> QuerySet[ReportReceipt]:
    """The reports the holder sent through the API (``Prefer: respond-async``) that are not a
    claim (yet): still being registered, or refused in the last ``days`` days (with the
    reason); newest first. A registered one is listed as its claim. As the API's status
    resource: the reports the holder's login sent (a policy passed on meanwhile included)."""
    since = timezone.now() - timedelta(days=days)
    return (ReportReceipt.objects.filter(reported_by_id=holder.user_id, received_at__gte=since)
            .exclude(status=ReportReceipt.Status.REGISTERED)
            .select_related("loss_type", "policy").order_by("-received_at", "-pk"))


def holder_claim(*, holder: Policyholder, pk: int) -> Claim:
    return get_object_or_404(holder_claims(holder=holder), pk=pk)


def holder_open_request(*, claim: Claim, pk: int) -> InformationRequest:
    return get_object_or_404(
        claim.information_requests.filter(status=InformationRequest.Status.OPEN), pk=pk
    )


def visible_documents(*, claim: Claim, user) -> QuerySet[ClaimDocument]:
    """What the policyholder may download: what they uploaded and our letters to them (vendor
    reports and invoices stay with the adjuster)."""
    return claim.documents.filter(
        Q(uploaded_by=user) | Q(doc_type=ClaimDocument.Type.CORRESPONDENCE)
    ).exclude(file="").order_by("uploaded_at", "id")  # empty: deleted after retention


def loss_types_by_policy(*, policies) -> dict[int, set[int]]:
    """Policy id -> the ids of the loss types its modules cover."""
    covered: dict[int, set[int]] = {policy.pk: set() for policy in policies}
    rows = LossType.objects.filter(modules__sections__policy__in=list(covered)).values_list(
        "modules__sections__policy", "pk"
    )
    for policy_id, loss_type_id in rows:
        covered[policy_id].add(loss_type_id)
    return covered


# --- the claim's timeline ------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    title: str
    text: str = ""
    kind: str = "event"


def _transition_title(entry: AuditEntry) -> str:
    labels = dict(ClaimState.choices)
    target = labels.get(entry.to_value, entry.to_value)
    return _("Status: %(state)s") % {"state": target}


def _transition_text(entry: AuditEntry, claim: Claim) -> str:
    if entry.to_value == ClaimState.DENIED:
        reason = claim.get_denial_reason_display()
        return f"{reason}. {entry.reason}".strip() if reason else entry.reason
    if entry.to_value in (ClaimState.WITHDRAWN, ClaimState.REOPENED):
        return entry.reason
    return ""


def _from_audit(entry: AuditEntry, claim: Claim, user) -> TimelineEntry | None:
    action = entry.action
    if action == "claim.reported":
        return TimelineEntry(entry.created_at, _("Incident reported"), kind="state")
    if action == "claim.transition":
        return TimelineEntry(
            entry.created_at, _transition_title(entry), _transition_text(entry, claim), "state"
        )
    if action == "information_request.opened":
        return TimelineEntry(entry.created_at, _("Your adjuster asked a question"), entry.reason,
                             "question")
    if action == "information_request.answered":
        return TimelineEntry(entry.created_at, _("Question answered"), entry.reason, "answer")
    if action == "information_request.cancelled":
        return TimelineEntry(entry.created_at, _("A question was withdrawn; no answer is needed"),
                             kind="question")
    if action == "claim.document_added" and entry.actor_id == user.pk:
        return TimelineEntry(entry.created_at, _("Document added"),
                             str(entry.payload.get("name", "")), "document")
    return None


def _note_entry(note: ClaimNote, user) -> TimelineEntry:
    who = _("You wrote") if note.author_id == user.pk else _("Message from your adjuster")
    return TimelineEntry(note.created_at, who, note.text, "note")


def claim_timeline(*, claim: Claim, user) -> list[TimelineEntry]:
    """State changes, questions and answers, the caller's documents, visible notes and visible
    vendor progress, oldest first. Internal entries (coverage check, assignment, internal notes,
    activities) are left out."""
    entries = [
        item
        for entry in AuditEntry.objects.filter(claim_id=claim.pk).order_by("created_at", "id")
        if (item := _from_audit(entry, claim, user)) is not None
    ]
    entries += [
        _note_entry(note, user)
        for note in claim.notes.filter(visibility=ClaimNote.Visibility.POLICYHOLDER)
    ]
    entries += vendor_progress(claim=claim)
    return sorted(entries, key=lambda item: item.at)


def vendor_progress(*, claim: Claim) -> list[TimelineEntry]:
    """Vendor progress updates marked visible to the policyholder."""
    updates = (
        VendorProgressUpdate.objects.filter(job__claim=claim, visible_to_policyholder=True)
        .select_related("job__organisation", "job__service")
        .order_by("created_at", "id")
    )
    return [
        TimelineEntry(
            update.created_at,
            _("%(service)s by %(vendor)s: %(percent)s %% done") % {
                "service": update.job.service.label, "vendor": update.job.organisation.name,
                "percent": update.percent},
            update.text, "vendor",
        )
        for update in updates
    ]


# --- the settlement statement --------------------------------------------------------------------

LIMIT_WORDS = {
    "sublimit": gettext_lazy("A sublimit per loss event applied to a cost category."),
    "per_loss": gettext_lazy("The sum insured per loss event applied."),
    "aggregate": gettext_lazy(
        "The annual maximum (2x the sum insured per insurance year) applied."),
}


@dataclass(frozen=True)
class SettlementStatement:
    section_name: str
    insurance_year: int
    state: str
    covered: str | None
    uncovered: str | None
    deductible: object
    payable: object
    limits: list[str]
    steps: list[str]
    categories: list[dict]
    payments: list
    deducted: str | None = None  # the insured's deductible taken from its payment
    owed: str | None = None  # the deductible the insured owes (advanced to a vendor/claimant)


def _categories(explanation: dict) -> list[dict]:
    """The per-category rows of the explanation with the categories' names."""
    rows = [row for row in explanation.get("categories") or [] if isinstance(row, dict)]
    names = {category.code: category.name for category in
             CostCategory.objects.filter(code__in=[row.get("category") for row in rows])}
    return [{**row, "name": names.get(row.get("category"), row.get("category"))} for row in rows]


def _payee_figure(explanation: dict, key: str) -> str | None:
    """The insured's deducted or owed amount of a settlement's payees (None when zero)."""
    from decimal import Decimal

    total = sum((Decimal(row[key]) for row in explanation.get("payees") or []
                 if isinstance(row, dict) and row.get(key)), Decimal("0.00"))
    return f"{total:,.2f}" if total else None


def deductible_owed_by_insured(*, claim: Claim):
    """What the policyholder still owes on the claim (its deductible), or None."""
    share = insured_share(claim=claim)
    return share if share.still_owed else None


def settlement_statements(*, claim: Claim) -> list[SettlementStatement]:
    """The approved or paid settlements of the claim, in the policyholder's words. Proposals
    still being decided are not shown."""
    settlements = (
        Settlement.objects.filter(
            claim=claim, state__in=[SettlementState.APPROVED, SettlementState.PAID]
        )
        .select_related("section__module", "account")
        .prefetch_related("payments")
        .order_by("created_at", "id")
    )
    settlements = list(settlements)
    names = category_names(settlement.explanation for settlement in settlements)  # one read
    statements = []
    for settlement in settlements:
        explanation = settlement.explanation if isinstance(settlement.explanation, dict) else {}
        steps = explanation.get("steps") or []
        statements.append(SettlementStatement(
            section_name=settlement.section.module.name,
            insurance_year=settlement.account.year,
            state=settlement.get_state_display(),
            covered=explanation.get("covered"),
            uncovered=explanation.get("uncovered"),
            deductible=settlement.deductible_taken,
            payable=settlement.approved_amount,
            limits=[str(LIMIT_WORDS.get(code, code)) for code in settlement.limited_by or []],
            steps=steps_text(steps, names=names),
            categories=_categories(explanation),
            payments=[
                payment for payment in settlement.payments.all() if payment.status != "cancelled"
            ],
            deducted=_payee_figure(explanation, "deducted"),
            owed=_payee_figure(explanation, "owed"),
        ))
    return statements
