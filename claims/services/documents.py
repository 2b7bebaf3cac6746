"""Documents and notes on a claim."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from claims import roles
from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import Claim, ClaimDocument, ClaimNote, InformationRequest
from claims.services.tx import business_action
from claims.uploads import InspectedUpload, inspect_upload
from config.audit import audit_record


def _may_contribute(user, claim: Claim) -> bool:
    return roles.is_adjuster(user) or roles.is_policyholder_of(user, claim)


def inspect_all(uploads: Sequence) -> list[tuple[object, InspectedUpload]]:
    """Check every file before anything is stored; a refused file names itself."""
    inspected, problems = [], []
    for upload in uploads:
        try:
            inspected.append((upload, inspect_upload(upload)))
        except ValidationError as error:
            problems.extend(error.messages)
    if problems:
        raise ClaimValidationError({"file": problems})
    return inspected


def document_store(
    *, claim: Claim, upload, inspected: InspectedUpload, doc_type: str, uploaded_by,
    information_request: InformationRequest | None = None, written: list | None = None,
) -> ClaimDocument:
    """Write the file under a random name and its row, inside the caller's transaction; the
    stored file is added to ``written`` (see ``files_removed_on_error``)."""
    if doc_type not in ClaimDocument.Type.values:
        raise ClaimValidationError({"doc_type": _("Unknown document type %(doc_type)s.") % {
                                                    "doc_type": repr(doc_type)}})
    if information_request is not None and information_request.claim_id != claim.pk:
        raise ClaimValidationError({"information_request": _("The request is on another claim.")})
    original = (getattr(upload, "name", "") or "file").replace("\\", "/").rsplit("/", 1)[-1]
    document = ClaimDocument(
        claim=claim, doc_type=doc_type, original_name=original[:255], size=inspected.size,
        content_type=inspected.content_type, sha256=inspected.sha256, uploaded_by=uploaded_by,
        information_request=information_request,
    )
    if hasattr(upload, "seek"):
        upload.seek(0)
    document.file.save(f"upload.{inspected.extension}", upload, save=False)
    if written is not None:
        written.append((document.file.storage, document.file.name))
    document.save()
    audit_record(
        actor=uploaded_by, action="claim.document_added", obj=document,
        to_value=inspected.content_type,
        payload={"type": doc_type, "name": document.original_name, "size": inspected.size,
                 "sha256": inspected.sha256},
        claim_id=claim.pk,
    )
    return document


@contextmanager
def files_removed_on_error():
    """Collects the files stored inside the block and deletes them if the block fails (the
    transaction rolled back, so no row points at them)."""
    written: list = []
    try:
        yield written
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise


def document_add(
    *, claim: Claim, upload, doc_type: str, uploaded_by,
    information_request: InformationRequest | None = None,
) -> ClaimDocument:
    """Add a document to a claim after checking its real type and size."""
    if not _may_contribute(uploaded_by, claim):
        raise PermissionDeniedError(_("Only the policyholder or an adjuster can add documents."))
    [(upload, inspected)] = inspect_all([upload])
    with files_removed_on_error() as written, business_action():
        return document_store(
            claim=claim, upload=upload, inspected=inspected, doc_type=doc_type,
            uploaded_by=uploaded_by, information_request=information_request, written=written,
        )


def note_add(*, claim: Claim, text: str, author, visibility: str = ClaimNote.Visibility.INTERNAL,
             composed: bool = False) -> ClaimNote:
    """Append a note. Policyholders write notes they can see; only adjusters write internal
    ones."""
    if not _may_contribute(author, claim):
        raise PermissionDeniedError(_("Only the policyholder or an adjuster can add notes."))
    if visibility not in ClaimNote.Visibility.values:
        raise ClaimValidationError({"visibility": _("Unknown visibility %(visibility)s.") % {
                                                      "visibility": repr(visibility)}})
    if visibility == ClaimNote.Visibility.INTERNAL and not roles.is_adjuster(author):
        raise PermissionDeniedError(_("Only adjusters write internal notes."))
    if not text.strip():
        raise ClaimValidationError({"text": _("The note is empty.")})
    with business_action(composed=composed):
        note = ClaimNote.objects.create(
            claim=claim, author=author, text=text.strip(), visibility=visibility
        )
        audit_record(
            actor=author, action="claim.note_added", obj=note, to_value=visibility,
            payload={"length": len(note.text)}, claim_id=claim.pk,
        )
    return note
