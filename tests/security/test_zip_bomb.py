"""Zip bombs: an office document (a ZIP) whose parts inflate far beyond its size is refused
before it is unpacked, with a message that says why, on every door that takes a document: the
API, the portal, the vendor API (report and invoice) and the vendor portal."""

from __future__ import annotations

import io
import random
import time
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import ClaimDocument
from claims.uploads import inspect_upload
from claims.vendors.models import VendorJob

MIB = 1024 * 1024


def office_bomb(*, manifest_bytes: int = 0, parts: int = 0, part_bytes: int = 0) -> bytes:
    """A .docx whose ``[Content_Types].xml`` inflates to ``manifest_bytes`` (spaces after a real
    manifest) and with ``parts`` further parts of ``part_bytes`` each, streamed so that building
    it costs little memory."""
    buffer = io.BytesIO()
    head = (b'<Types><Override ContentType="application/'
            b'vnd.openxmlformats-officedocument.main+xml"/>')
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        with zf.open("[Content_Types].xml", "w", force_zip64=True) as member:
            member.write(head)
            chunk = b" " * MIB
            for _ in range(manifest_bytes // MIB):
                member.write(chunk)
            member.write(b"</Types>")
        zf.writestr("word/document.xml", "<document/>")
        for index in range(parts):
            with zf.open(f"word/media/part{index}.bin", "w", force_zip64=True) as member:
                for _ in range(part_bytes // MIB):
                    member.write(b"\x00" * MIB)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """Under a megabyte on the wire, 200 MiB unpacked."""
    return office_bomb(manifest_bytes=200 * MIB)


def _docx(content: bytes, name: str = "claim.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def test_a_bomb_is_small_on_the_wire(bomb):
    assert len(bomb) < MIB


def test_a_highly_compressed_part_is_refused_quickly_with_the_reason(bomb):
    started = time.monotonic()
    with pytest.raises(ValidationError) as error:
        inspect_upload(_docx(bomb))
    assert time.monotonic() - started < 1
    assert "claim.docx" in error.value.messages[0]
    assert "bomb" in error.value.messages[0]


def test_a_part_above_the_per_part_limit_is_refused(settings):
    settings.DOCUMENT_ZIP_MAX_RATIO = 10 ** 9
    settings.DOCUMENT_ZIP_MAX_MEMBER_BYTES = 4 * MIB
    with pytest.raises(ValidationError, match="unpacks to 5.0"):
        inspect_upload(_docx(office_bomb(manifest_bytes=5 * MIB)))


def test_many_parts_above_the_total_limit_are_refused(settings):
    settings.DOCUMENT_ZIP_MAX_RATIO = 10 ** 9
    settings.DOCUMENT_ZIP_MAX_TOTAL_BYTES = 6 * MIB
    with pytest.raises(ValidationError, match="the document unpacks to"):
        inspect_upload(_docx(office_bomb(parts=4, part_bytes=2 * MIB)))


def test_too_many_parts_are_refused(settings):
    settings.DOCUMENT_ZIP_MAX_MEMBERS = 3
    with pytest.raises(ValidationError, match="at most 3 are accepted"):
        inspect_upload(_docx(office_bomb(parts=5, part_bytes=0)))


def test_an_ordinary_document_with_a_large_picture_is_still_accepted():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document>" + "<p>Text</p>" * 5000 + "</document>")
        archive.writestr("word/media/image1.png", random.Random(1).randbytes(2 * MIB))
    assert inspect_upload(_docx(buffer.getvalue())).extension == "docx"


def test_the_api_refuses_a_bomb(seed, bomb):
    before = ClaimDocument.objects.count()
    response = seed.client("holder_a").post(
        f"/api/me/claims/{seed.claim_a.pk}/documents/", {"file": _docx(bomb)}, format="multipart"
    )
    assert response.status_code == 400
    assert "bomb" in response.json()["error"]["fields"]["file"][0]
    assert ClaimDocument.objects.count() == before


def test_the_portal_refuses_a_bomb(seed, bomb):
    before = ClaimDocument.objects.count()
    response = seed.client("holder_a").post(
        f"/portal/claims/{seed.claim_a.pk}/documents/", {"documents": [_docx(bomb)]}
    )
    assert response.status_code == 400
    assert "bomb" in response.content.decode()
    assert ClaimDocument.objects.count() == before


def _job_in_progress(seed):
    VendorJob.objects.filter(pk=seed.job_x.pk).update(
        state="in_progress", estimate=Decimal("4000.00"), approved_estimate=Decimal("4000.00"))


def test_the_vendor_api_refuses_a_bomb_as_report_and_as_invoice(seed, bomb):
    _job_in_progress(seed)
    before = ClaimDocument.objects.count()
    client = seed.client("vendor_x")
    report = client.post(f"/api/vendor/jobs/{seed.job_x.pk}/report", {"file": _docx(bomb)},
                         format="multipart")
    assert report.status_code == 400, report.content
    assert "bomb" in str(report.json()["error"])
    VendorJob.objects.filter(pk=seed.job_x.pk).update(state="completed")
    invoice = client.post(f"/api/vendor/jobs/{seed.job_x.pk}/invoice",
                          {"file": _docx(bomb), "amount": "100.00"}, format="multipart")
    assert invoice.status_code == 400, invoice.content
    assert "bomb" in str(invoice.json()["error"])
    assert ClaimDocument.objects.count() == before


def test_the_vendor_portal_refuses_a_bomb(seed, bomb):
    _job_in_progress(seed)
    before = ClaimDocument.objects.count()
    response = seed.client("vendor_x").post(f"/vendor/jobs/{seed.job_x.pk}/report/",
                                            {"file": _docx(bomb)})
    assert response.status_code in (200, 400)
    assert "bomb" in response.content.decode()
    assert ClaimDocument.objects.count() == before
