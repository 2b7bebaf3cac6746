"""Information requests: an adjuster asks, the policyholder answers (text, optional documents);
while any is open the claim is awaiting information."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from claims.models import FINAL_STATES, Claim, ClaimDocument, InformationRequest
from claims.notifications import email_after_commit
from claims.services.activities import (
    activities_close_for_request,
    activity_open_for_request,
    claim_lock_before_activities,
)
from claims.services.documents import document_store, files_removed_on_error, inspect_all
from claims.services.tx import business_action
from config.audit import audit_record
from language.services import in_language_of


def information_request_open(
    *, claim: Claim, question: str, due_date: date, requested_by, kind: str
) -> InformationRequest:
    """Create the request, its follow-up activity and the audit row; tell the policyholder after
    commit. Runs inside the caller's transaction."""
    request = InformationRequest.objects.create(
        claim=claim, kind=kind, question=question, due_date=due_date, requested_by=requested_by
    )
    activity_open_for_request(request=request)
    audit_record(
        actor=requested_by, action="information_request.opened", obj=request, to_value="open",
        reason=question, payload={"kind": kind, "due_date": due_date}, claim_id=claim.pk,
    )
    holder = claim.policy.policyholder
    with in_language_of(user_id=holder.user_id, email=holder.email):
        email_after_commit(
            subject=_("Claim %(number)s: we need information from you") % {"number": claim.number},
            body=_("%(question)s\n\nPlease answer in the portal by %(date)s.\n") % {
                "question": question, "date": date_format(due_date, "SHORT_DATE_FORMAT")},
            recipients=[holder.email],
        )
    return request


def information_request_create(
    *, claim: Claim, question: str, due_date: date, requested_by,
    kind: str = InformationRequest.Kind.GENERAL,
) -> InformationRequest:
    """An adjuster asks the policyholder something, to be answered by ``due_date``."""
    if not roles.is_adjuster(requested_by):
        raise PermissionDeniedError(_("Only adjusters ask the policyholder for information."))
    if claim.state in FINAL_STATES:
        raise TransitionConflict(_("The claim is closed; reopen it first."))
    errors = {}
    if not question.strip():
        errors["question"] = _("Write the question.")
    if due_date < timezone.localdate():
        errors["due_date"] = _("The due date cannot be in the past.")
    if errors:
        raise ClaimValidationError(errors)
    with business_action():
        return information_request_open(
            claim=claim, question=question.strip(), due_date=due_date,
            requested_by=requested_by, kind=kind,
        )


def _lock_open(request: InformationRequest) -> InformationRequest:
    # the claim first, as a transition locks it (its activities' trigger updates the claim)
    claim_lock_before_activities(claim_id=request.claim_id)
    locked = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != InformationRequest.Status.OPEN:
        raise TransitionConflict(_("This request is already %(status)s.") % {
                                     "status": locked.get_status_display().lower()})
    return locked


def information_request_answer(
    *, request: InformationRequest, answer: str, answered_by, documents: Sequence = (),
    doc_type: str = ClaimDocument.Type.EVIDENCE,
) -> InformationRequest:
    """The policyholder (or an adjuster on their behalf) answers; the request is cleared."""
    claim = request.claim
    if not (roles.is_adjuster(answered_by) or roles.is_policyholder_of(answered_by, claim)):
        raise PermissionDeniedError(_("Only the policyholder or an adjuster can answer."))
    if not answer.strip():
        raise ClaimValidationError({"answer": _("Write an answer.")})
    inspected = inspect_all(documents)
    with files_removed_on_error() as written, business_action():
        request = _lock_open(request)
        now = timezone.now()
        request.status = InformationRequest.Status.ANSWERED
        request.answer = answer.strip()
        request.closed_by = answered_by
        request.closed_at = now
        request.save(update_fields=["status", "answer", "closed_by", "closed_at"])
        stored = [
            document_store(claim=claim, upload=upload, inspected=info, doc_type=doc_type,
                           uploaded_by=answered_by, information_request=request, written=written)
            for upload, info in inspected
        ]
        activities_close_for_request(request=request, now=now, note="Answered.")
        audit_record(
            actor=answered_by, action="information_request.answered", obj=request,
            from_value="open", to_value="answered", reason=request.answer,
            payload={"documents": [document.original_name for document in stored]},
            claim_id=claim.pk,
        )
        adjuster = claim.assigned_adjuster
        with in_language_of(adjuster):
            email_after_commit(
                subject=_("Claim %(number)s: the policyholder answered") % {"number": claim.number},
                body=_("Question: %(question)s\n\nAnswer: %(answer)s\n") % {
                    "question": request.question, "answer": request.answer},
                recipients=[adjuster.email] if adjuster else [],
            )
    return request


def information_request_cancel(*, request: InformationRequest, by, reason: str) -> None:
    """An adjuster withdraws a question that is no longer needed."""
    if not roles.is_adjuster(by):
        raise PermissionDeniedError(_("Only adjusters cancel information requests."))
    if not reason.strip():
        raise ClaimValidationError({"reason": _("Say why the request is cancelled.")})
    with business_action():
        request = _lock_open(request)
        now = timezone.now()
        request.status = InformationRequest.Status.CANCELLED
        request.closed_by = by
        request.closed_at = now
        request.save(update_fields=["status", "closed_by", "closed_at"])
        activities_close_for_request(request=request, now=now, note="Request cancelled.")
        audit_record(
            actor=by, action="information_request.cancelled", obj=request, from_value="open",
            to_value="cancelled", reason=reason.strip(), claim_id=request.claim_id,
        )
