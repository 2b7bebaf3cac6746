"""Access and portability: the export's contents for each kind of person, the background build
through the outbox, the expiring link, and the audit of every export."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.utils import timezone

from claims.exceptions import PermissionDeniedError, TransitionConflict
from config.models import AuditEntry, OutboxMessage
from privacy.models import DataExport, SubjectKind
from privacy.services import (
    data_export_build,
    data_export_download,
    data_export_request,
    data_exports_expire,
)
from tests.factories import PDF

pytestmark = pytest.mark.django_db


def built(by, **subject) -> tuple[DataExport, dict, zipfile.ZipFile]:
    export = data_export_request(by=by, **subject)
    data_export_build(export_id=export.pk)
    export.refresh_from_db()
    archive = zipfile.ZipFile(io.BytesIO(export.file.open("rb").read()))
    return export, json.loads(archive.read("data.json")), archive


def test_a_policyholder_export_holds_policies_claims_notes_to_them_documents_payments_audit(
    closed_claim, holder, holder_user
):
    export, data, archive = built(holder_user, subject_kind=SubjectKind.POLICYHOLDER,
                                  policyholder=holder)

    assert export.status == DataExport.Status.READY and export.progress == 100
    assert data["policyholder"]["email"] == "anna@schmidt.example"
    assert data["login"]["username"] == "holder"
    assert [p["number"] for p in data["policies"]] == [closed_claim.policy.number]
    [claim] = data["claims"]
    assert claim["number"] == closed_claim.number and claim["state"] == "closed"
    assert [n["text"] for n in claim["notes_to_you"]] == ["We have your evidence, Ms Schmidt."]
    assert "Internal: check the backup story." not in json.dumps(data)
    assert [p["amount"] for p in claim["payments_to_you"]] == ["4000.00"]  # 5,000 less 1,000
    assert claim["settlements"][0]["approved_amount"] == "4000.00"
    paths = [d["file_in_export"] for d in claim["documents"]]
    assert len(paths) == 2 and all(archive.read(path) == PDF for path in paths)
    actions = {entry["action"] for entry in data["audit_entries"]}
    assert {"claim.reported", "claim.transition", "policy.created"} <= actions
    assert "README.txt" in archive.namelist()
    assert export.contents["claims"] == 1 and export.contents["documents"] == 2


def test_a_claimant_export_holds_only_their_claims_letters_and_payments(
    claimant_claim, closed_claim, privacy_admin
):
    _export, data, archive = built(privacy_admin, subject_kind=SubjectKind.CLAIMANT,
                                   claimant_email="LEGAL@client.example")

    [claim] = data["claims"]
    assert claim["number"] == claimant_claim.number
    assert claim["claimant_name"] == "Client AG" and claim["insured"] == "Schmidt IT-Beratung"
    assert [d["original_name"] for d in claim["documents"]] == ["letter-to-client.pdf"]
    assert archive.read(claim["documents"][0]["file_in_export"]) == PDF
    text = json.dumps(data)
    assert closed_claim.number not in text and "anna@schmidt.example" not in text


def test_a_vendor_contact_export_holds_the_organisation_logins_jobs_and_their_reports(
    closed_claim, organisation, vendor_user, privacy_admin
):
    _export, data, archive = built(privacy_admin, subject_kind=SubjectKind.VENDOR_CONTACT,
                                   vendor_organisation=organisation)

    assert data["organisation"]["name"] == "Forensik Nord GmbH"
    assert [login["username"] for login in data["logins"]] == ["vendor.nord"]
    [job] = data["jobs"]
    assert job["claim"] == closed_claim.number and job["state"] == "completed"
    assert [d["original_name"] for d in job["documents"]] == ["r.pdf"]
    assert "ransom-note.pdf" not in json.dumps(data)  # the policyholder's evidence is not theirs


def test_the_request_is_enqueued_through_the_outbox_and_every_step_is_audited(
    closed_claim, holder, holder_user, django_capture_on_commit_callbacks
):
    export = data_export_request(by=holder_user, subject_kind=SubjectKind.POLICYHOLDER,
                                 policyholder=holder)
    message = OutboxMessage.objects.get(task_name="privacy.data_export_build")
    assert message.kwargs == {"export_id": export.pk}
    assert export.status == DataExport.Status.QUEUED

    data_export_build(export_id=export.pk)
    assert data_export_build(export_id=export.pk) is None  # idempotent: built once
    export.refresh_from_db()
    data_export_download(export=export, by=holder_user, channel="portal").close()

    actions = list(AuditEntry.objects.filter(object_type="privacy.dataexport",
                                             object_id=str(export.pk))
                   .values_list("action", flat=True))
    assert actions == ["privacy.export_requested", "privacy.export_ready",
                       "privacy.export_downloaded"]


def test_the_download_link_expires_and_the_file_is_deleted(
    closed_claim, holder, holder_user, django_capture_on_commit_callbacks
):
    export, _data, _archive = built(holder_user, subject_kind=SubjectKind.POLICYHOLDER,
                                    policyholder=holder)
    storage, name = export.file.storage, export.file.name

    assert data_exports_expire(now=timezone.now() + timedelta(days=6)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert data_exports_expire(now=timezone.now() + timedelta(days=8)) == 1

    export.refresh_from_db()
    assert export.status == DataExport.Status.EXPIRED and not export.file
    with pytest.raises(TransitionConflict, match="expired"):
        data_export_download(export=export, by=holder_user, channel="portal")
    assert AuditEntry.objects.filter(action="privacy.export_expired").count() == 1
    assert not storage.exists(name)


def test_a_policyholder_cannot_export_someone_else(closed_claim, holder_user):
    from tests.factories import PolicyholderFactory

    other = PolicyholderFactory()
    with pytest.raises(PermissionDeniedError):
        data_export_request(by=holder_user, subject_kind=SubjectKind.POLICYHOLDER,
                            policyholder=other)
    with pytest.raises(PermissionDeniedError):
        data_export_request(by=holder_user, subject_kind=SubjectKind.CLAIMANT,
                            claimant_email="x@example.com")


def test_the_readme_and_the_progress_are_in_the_persons_language(holder, holder_user):
    from language.services import language_set

    language_set(user=holder_user, language="de")

    export, data, archive = built(holder_user, subject_kind=SubjectKind.POLICYHOLDER,
                                  policyholder=holder)

    assert archive.read("README.txt").decode().startswith("Dieses Archiv enthält eine Kopie")
    assert data["controller"] == "Schadenservice (die Schadenabteilung des Versicherers)"
    assert export.step == "Fertig"
