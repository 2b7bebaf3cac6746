"""Uploads through the API: the type is read from the content, the size is limited, the stored
name is random."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from claims.models import ClaimDocument
from tests.factories import PDF


def _upload(seed, name, content):
    return seed.client("holder_a").post(
        f"/api/me/claims/{seed.claim_a.pk}/documents/",
        {"file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        format="multipart",
    )


@pytest.mark.parametrize(("name", "content"), [
    ("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
    ("report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64),
    ("page.txt", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
    ("image.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
    ("notes.txt", b"  <?xml version='1.0'?><svg onload='alert(1)'/>"),
])
def test_dangerous_content_is_refused_whatever_its_name(seed, name, content):
    before = ClaimDocument.objects.count()
    response = _upload(seed, name, content)
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]
    assert ClaimDocument.objects.count() == before


def test_an_oversize_file_is_refused(seed, settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    response = _upload(seed, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    assert "limit" in response.json()["error"]["fields"]["file"][0]


def test_a_path_traversal_name_is_stored_under_a_random_name(seed, settings):
    response = _upload(seed, "../../etc/passwd.pdf", PDF)
    assert response.status_code == 201
    document = ClaimDocument.objects.get(pk=response.data["id"])
    assert ".." not in document.file.name and "passwd" not in document.file.name
    assert document.file.name.startswith(f"claims/{seed.claim_a.pk}/")
    assert document.original_name == "passwd.pdf"
    stored = settings.MEDIA_ROOT / document.file.name
    assert stored.resolve().is_relative_to(settings.MEDIA_ROOT.resolve())
