"""Documents: the real type is read from the content; programs, markup, unknown and oversize
files are refused with a message naming the problem."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.exceptions import ClaimValidationError, PermissionDeniedError
from claims.models import ClaimDocument
from claims.services import document_add
from claims.uploads import inspect_upload

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
GIF = b"GIF89a" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"This program cannot be run in DOS mode"
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 32


def office(kind: str, *, macros: bool = False) -> bytes:
    buffer = io.BytesIO()
    main = "word/document.xml" if kind == "docx" else "xl/workbook.xml"
    content_type = "application/vnd.ms-word.document.macroEnabled.main+xml" if macros else (
        "application/vnd.openxmlformats-officedocument.main+xml")
    # A fixed time stamp: the bytes are test parameters, which every xdist worker must collect
    # alike (writestr with a name stamps the current second).
    def part(name: str) -> zipfile.ZipInfo:
        return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))

    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(part("[Content_Types].xml"),
                         f'<Types><Override ContentType="{content_type}"/></Types>')
        archive.writestr(part(main), "<document/>")
        if macros:
            archive.writestr(part("word/vbaProject.bin"), b"\x00")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("policy.pdf", PDF, "application/pdf"),
    ("screenshot.PNG", PNG, "image/png"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("animation.gif", GIF, "image/gif"),
    ("log.txt", "Zugriff verweigert: Müller\r\n".encode(), "text/plain"),
    ("costs.csv", b"item;amount\nforensics;8000.00\n", "text/csv"),
    ("letter.docx", office("docx"), "application/vnd.openxmlformats-officedocument"
                                    ".wordprocessingml.document"),
    ("sheet.xlsx", office("xlsx"), "application/vnd.openxmlformats-officedocument"
                                   ".spreadsheetml.sheet"),
    ("no-extension", PDF, "application/pdf"),
])
def test_accepted_types_are_detected_from_the_content(name, content, expected):
    assert inspect_upload(upload(name, content)).content_type == expected


@pytest.mark.parametrize(("name", "content", "problem"), [
    ("invoice.pdf", EXE, "Windows program"),
    ("setup.exe", EXE, "Windows program"),
    ("tool", ELF, "Linux program"),
    ("run.txt", b"#!/bin/sh\nrm -rf /\n", "script"),
    ("page.html", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML, SVG"),
    ("note.txt", b"  <html><body>hi</body></html>", "HTML, SVG"),
    ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "HTML, SVG"),
    ("image.svg", b'<?xml version="1.0"?><svg/>', "HTML, SVG"),
    ("macro.docx", office("docx", macros=True), "macros"),
    ("archive.zip", b"PK\x03\x04" + b"\x00" * 30, "ZIP"),
    ("data.bin", b"\x00\x01\x02\x03binary", "not accepted"),
    ("scan.docx", PDF, "content is PDF"),
    ("empty.pdf", b"", "empty"),
])
def test_refused_files_name_the_problem(name, content, problem):
    with pytest.raises(ValidationError) as caught:
        inspect_upload(upload(name, content))
    message = caught.value.messages[0]
    assert problem in message
    assert name in message


def test_files_above_the_limit_are_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="limit"):
        inspect_upload(upload("big.pdf", PDF + b"x" * 100))
    assert inspect_upload(upload("small.pdf", PDF)).size == len(PDF)


@pytest.mark.django_db
def test_an_accepted_pdf_is_stored_under_a_random_name_in_the_claims_folder(
    reported_claim, holder_user
):
    document = document_add(claim=reported_claim, upload=upload("../../etc/Befund.pdf", PDF),
                            doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=holder_user)

    assert document.original_name == "Befund.pdf"
    assert document.content_type == "application/pdf"
    assert document.size == len(PDF)
    assert len(document.sha256) == 64
    assert document.file.name.startswith(f"claims/{reported_claim.pk}/")
    assert document.file.name.endswith(".pdf")
    assert "Befund" not in document.file.name
    with document.file.open("rb") as stored:
        assert stored.read() == PDF


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [
    ("renamed.pdf", EXE),
    ("page.html", b"<html><body>x</body></html>"),
    ("vector.svg", b"<svg/>"),
])
def test_the_service_refuses_bad_files_with_a_400_on_the_file_field(
    reported_claim, adjuster, name, content
):
    with pytest.raises(ClaimValidationError) as caught:
        document_add(claim=reported_claim, upload=upload(name, content),
                     doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=adjuster)
    assert caught.value.status_code == 400
    assert "file" in caught.value.errors
    assert not ClaimDocument.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_oversize_files(reported_claim, adjuster, settings):
    settings.DOCUMENT_MAX_BYTES = 50
    with pytest.raises(ClaimValidationError, match="limit"):
        document_add(claim=reported_claim, upload=upload("big.pdf", PDF),
                     doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=adjuster)


@pytest.mark.django_db
def test_strangers_cannot_add_documents(reported_claim, stranger):
    with pytest.raises(PermissionDeniedError):
        document_add(claim=reported_claim, upload=upload("a.pdf", PDF),
                     doc_type=ClaimDocument.Type.EVIDENCE, uploaded_by=stranger)
