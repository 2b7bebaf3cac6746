"""The portal's writes. Each is a public service with its own durable transaction, composing the
claims services as steps (``composed=True``) or their steps: a report with its evidence, an answer
with its documents. The claims services do the work, the audit and the emails.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from uuid import UUID

from django.utils import timezone
from django.utils.translation import gettext as _

from claims.exceptions import PermissionDeniedError
from claims.models import Claim, ClaimDocument, ClaimNote
from claims.money.services.lines import interruption_stated
from claims.portal import notifications
from claims.services import claim_report, note_add
from claims.services.activities import activity_open_for_message
from claims.services.documents import document_store, files_removed_on_error, inspect_all
from claims.services.tx import business_action
from config.audit import audit_record
from config.models import AuditEntry
from policies.models import Policy, Policyholder

SUBMITTED = "portal.claim_submitted"


def claim_already_submitted(*, user, submission_token: UUID) -> Claim | None:
    """The claim an earlier submit of the same form created, if any."""
    entry = (
        AuditEntry.objects.filter(
            action=SUBMITTED, actor=user, payload__submission_token=str(submission_token)
        )
        .order_by("id")
        .first()
    )
    return Claim.objects.filter(pk=entry.claim_id).first() if entry else None


SAME_REPORT_WINDOW = timedelta(hours=24)


def claim_same_report(*, user, policy: Policy, loss_type, loss_date, description: str):
    """The claim this user reported with exactly these entries in the last 24 hours: the same
    form sent again after the back button (the browser re-fetched the form, with a new token,
    and restored what was typed), not a second incident."""
    return (
        Claim.objects.filter(
            reported_by=user, policy=policy, loss_type=loss_type, loss_date=loss_date,
            description=description,
            reported_at__gte=timezone.now() - SAME_REPORT_WINDOW,
        )
        .order_by("pk")
        .first()
    )


def portal_claim_report(
    *, holder: Policyholder, user, submission_token: UUID, policy: Policy, loss_type,
    loss_date, description: str, emergency: bool, estimated_amount=None, claimant_name: str = "",
    claimant_email: str = "", claimant_address: str = "", documents: Sequence = (),
    first_8_hours_loss=None,
) -> tuple[Claim, bool]:
    """Report an incident with its evidence, all or nothing; returns ``(claim, created)``.

    A form is submitted once: the policyholder's row is locked, and a second submit of the same
    form (double click, reload, a second tab) finds the claim of the first through the audit entry
    that records the form's one-time token, and returns it instead of creating another.
    """
    if policy.policyholder_id != holder.pk or holder.user_id != user.pk:
        raise PermissionDeniedError(_("This is not your policy."))
    inspected = inspect_all(documents)
    with files_removed_on_error() as written, business_action():
        Policyholder.objects.select_for_update().get(pk=holder.pk)
        existing = claim_already_submitted(user=user, submission_token=submission_token) or \
            claim_same_report(user=user, policy=policy, loss_type=loss_type,
                              loss_date=loss_date, description=description)
        if existing is not None:
            return existing, False
        claim = claim_report(
            policy=policy, loss_type=loss_type, loss_date=loss_date, description=description,
            reported_by=user, emergency=emergency, estimated_amount=estimated_amount,
            claimant_name=claimant_name, claimant_email=claimant_email,
            claimant_address=claimant_address, composed=True,
        )
        stored = [
            document_store(claim=claim, upload=upload, inspected=info,
                           doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=user,
                           written=written)
            for upload, info in inspected
        ]
        if first_8_hours_loss is not None:
            interruption_stated(claim=claim, first_8_hours_loss=first_8_hours_loss, by=user)
        audit_record(
            actor=user, action=SUBMITTED, obj=claim, to_value=claim.state,
            payload={"submission_token": str(submission_token),
                     "documents": [document.original_name for document in stored]},
            claim_id=claim.pk,
        )
    return claim, True


def portal_documents_add(*, claim: Claim, user, documents: Sequence) -> list[ClaimDocument]:
    """Add several documents to a claim: all of them or none."""
    if claim.policy.policyholder.user_id != user.pk:
        raise PermissionDeniedError(_("This is not your claim."))
    inspected = inspect_all(documents)
    with files_removed_on_error() as written, business_action():
        return [
            document_store(claim=claim, upload=upload, inspected=info,
                           doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=user,
                           written=written)
            for upload, info in inspected
        ]


def portal_message_send(*, claim: Claim, user, text: str) -> ClaimNote:
    """A message from the policyholder to the adjuster: a visible note, and an email to the
    assigned adjuster once it is stored."""
    with business_action():
        note = note_add(
            claim=claim, text=text, author=user, visibility=ClaimNote.Visibility.POLICYHOLDER,
            composed=True,
        )
        activity_open_for_message(claim=claim, now=timezone.now())
        notifications.policyholder_wrote(claim=claim, note=note)
    return note
