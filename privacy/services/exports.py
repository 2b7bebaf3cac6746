"""Data exports (Art. 15 and 20 GDPR): requested by the person or an administrator, built by a
Celery task with progress, downloadable until the link expires. Every step is audited."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from claims.exceptions import PermissionDeniedError, TransitionConflict
from claims.services.tx import business_action
from config.audit import audit_record
from config.outbox import enqueue
from language.services import in_language_of
from privacy import conf, roles
from privacy.export_contents import collect
from privacy.models import AccessLogEntry, DataExport

from .access_log import access_record
from .subjects import subject_fields

TASK = "privacy.data_export_build"
README = gettext_lazy(
    "This archive holds a copy of the personal data the claims service keeps about you.\n"
    "data.json: your records (policies, claims, notes addressed to you, questions and answers, "
    "payments, the history of changes and who looked at your data). documents/: the files.\n"
    "Amounts are EUR with two decimals; times are ISO 8601 (UTC offset included).\n"
)
CONTROLLER = gettext_lazy("Claims service (the insurer's claims department)")


def _subject_email(export: DataExport) -> str | None:
    """The address of the person the data is about (their language for the README)."""
    if export.policyholder_id:
        return export.policyholder.email
    return export.claimant_email or None


def data_export_request(*, by, subject_kind: str, policyholder=None, claimant_email: str = "",
                        vendor_organisation=None) -> DataExport:
    """Record the request and enqueue the build (after commit, through the outbox)."""
    fields = subject_fields(by=by, subject_kind=subject_kind, policyholder=policyholder,
                            claimant_email=claimant_email,
                            vendor_organisation=vendor_organisation)
    with business_action():
        export = DataExport.objects.create(**fields, requested_by=by,
                                           step=_("Waiting for the export worker"))
        audit_record(actor=by, action="privacy.export_requested", obj=export, to_value="queued",
                     payload={"subject_kind": subject_kind, "subject": export.subject_label})
        enqueue(TASK, export_id=export.pk)
    return export


def _progress(export_id: int, percent: int, step: str) -> None:
    """Visible at once to the pages that poll it (its own short transaction)."""
    DataExport.objects.filter(pk=export_id).update(progress=percent, step=step[:200])


def data_export_build(*, export_id: int) -> DataExport | None:
    """Build the ZIP. Idempotent: a finished or expired export is left alone; a crashed run
    (left ``running``) starts again from the beginning. The progress is written in the language
    of whoever asked for the export, the archive's README in that of the person it is about."""
    requested_by = DataExport.objects.filter(pk=export_id).values_list(
        "requested_by", flat=True).first()
    requester = get_user_model().objects.filter(pk=requested_by).first()
    with in_language_of(requester):
        return _build(export_id)


def _build(export_id: int) -> DataExport | None:
    with transaction.atomic():
        export = DataExport.objects.select_for_update(skip_locked=True).filter(
            pk=export_id, status__in=[DataExport.Status.QUEUED, DataExport.Status.RUNNING]
        ).first()
        if export is None:
            return None
        export.status = DataExport.Status.RUNNING
        export.save(update_fields=["status"])
    _progress(export.pk, 5, _("Collecting policies and claims"))
    try:
        collected = collect(export)
        buffer = io.BytesIO()
        total = max(len(collected.documents), 1)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            subject_email = _subject_email(export)
            with in_language_of(None if subject_email else export.requested_by,
                                email=subject_email):
                readme, controller = str(README), str(CONTROLLER)
            archive.writestr("README.txt", readme)
            for index, (path, document) in enumerate(collected.documents, start=1):
                with document.file.open("rb") as handle:
                    archive.writestr(path, handle.read())
                _progress(export.pk, 10 + int(80 * index / total),
                          _("Adding documents (%(index)s of %(total)s)") % {
                              "index": index, "total": len(collected.documents)})
            archive.writestr("data.json", json.dumps({
                "generated_at": timezone.now().isoformat(),
                "subject_kind": export.subject_kind, "subject": export.subject_label,
                "controller": controller,
                **collected.data,
            }, indent=2, ensure_ascii=False, default=str))
    except Exception as error:  # a broken file must not leave the export running forever
        with business_action():
            DataExport.objects.filter(pk=export.pk).update(
                status=DataExport.Status.FAILED, error=f"{type(error).__name__}: {error}"[:2000],
                step=_("Failed"))
            audit_record(actor=None, action="privacy.export_failed", obj=export,
                         from_value="running", to_value="failed", reason=str(error)[:500])
        raise
    content = buffer.getvalue()
    now = timezone.now()
    with business_action():
        export = DataExport.objects.select_for_update().get(pk=export.pk)
        if export.status != DataExport.Status.RUNNING:  # a redelivered twin finished first
            return export
        export.file.save(f"export-{export.pk}.zip", ContentFile(content), save=False)
        export.size = len(content)
        export.sha256 = hashlib.sha256(content).hexdigest()
        export.contents = collected.counts()
        export.status = DataExport.Status.READY
        export.progress, export.step = 100, _("Ready")
        export.finished_at, export.expires_at = now, now + conf.export_link_lifetime()
        export.save()
        audit_record(actor=None, action="privacy.export_ready", obj=export,
                     from_value="running", to_value="ready",
                     payload={"size": export.size, "sha256": export.sha256,
                              "contents": export.contents, "expires_at": export.expires_at})
    return export


def may_see_export(user, export: DataExport) -> bool:
    if roles.is_privacy_admin(user):
        return True
    holder = getattr(user, "policyholder", None) if roles.is_policyholder(user) else None
    return holder is not None and export.policyholder_id == holder.pk


def data_export_download(*, export: DataExport, by, channel: str):
    """The opened file of a ready export whose link has not expired; audited and logged."""
    if not may_see_export(by, export):
        raise PermissionDeniedError(_("This export is not yours."))
    if export.status == DataExport.Status.EXPIRED or (
            export.expires_at is not None and export.expires_at <= timezone.now()):
        raise TransitionConflict(_("The download link has expired: please request a new export."))
    if export.status != DataExport.Status.READY or not export.file:
        raise TransitionConflict(_("The export is not ready yet."))
    with business_action():
        audit_record(actor=by, action="privacy.export_downloaded", obj=export,
                     payload={"channel": channel})
    if roles.is_privacy_admin(by) and export.requested_by_id != by.pk:
        access_record(user=by, what=AccessLogEntry.What.EXPORT, channel=channel, export=export)
    return export.file.open("rb")


def data_exports_expire(*, now=None) -> int:
    """Beat task: delete the files of exports whose link expired; the row and audit remain."""
    now = now or timezone.now()
    expired = 0
    for export_id in DataExport.objects.filter(
            status=DataExport.Status.READY, expires_at__lte=now).values_list("pk", flat=True):
        with business_action():
            export = DataExport.objects.select_for_update().get(pk=export_id)
            if export.status != DataExport.Status.READY:
                continue
            storage, name = export.file.storage, export.file.name
            export.file = ""
            export.status = DataExport.Status.EXPIRED
            with in_language_of(export.requested_by):
                export.step = _("Link expired, file deleted")
            export.save(update_fields=["file", "status", "step"])
            audit_record(actor=None, action="privacy.export_expired", obj=export,
                         from_value="ready", to_value="expired")
            transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
        expired += 1
    return expired
