"""Vendor test helpers: organisations, vendor logins and jobs in any state (the protected FSM
field is set through the constructor)."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from claims.models import ClaimDocument
from claims.vendors.models import VendorJob, VendorMembership, VendorOrganisation, VendorService
from tests.claims.factories import UserFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def service(code: str) -> VendorService:
    return VendorService.objects.get(code=code)


def make_org(name: str, *services: str, regions=(), nationwide: bool = True,
             available_24_7: bool = False, panel: bool = False,
             active: bool = True) -> VendorOrganisation:
    organisation = VendorOrganisation.objects.create(
        name=name, regions=list(regions), nationwide=nationwide, available_24_7=available_24_7,
        panel_member=panel, active=active, contact_email=f"{name.split()[0].lower()}@v.example",
    )
    organisation.services.add(*VendorService.objects.filter(code__in=services or ["forensics"]))
    return organisation


def make_vendor_user(username: str, organisation: VendorOrganisation):
    user = UserFactory(username=username)
    VendorMembership.objects.create(user=user, organisation=organisation)
    return user


def pdf(name: str = "report.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_document(claim, user, doc_type=ClaimDocument.Type.VENDOR_REPORT) -> ClaimDocument:
    document = ClaimDocument(claim=claim, doc_type=doc_type, original_name="r.pdf",
                             size=len(PDF), content_type="application/pdf", sha256="0" * 64,
                             uploaded_by=user)
    document.file.save("r.pdf", pdf(), save=False)
    document.save()
    return document


def make_job(claim, organisation, *, state: str = "requested", service_code="forensics",
             **fields) -> VendorJob:
    """A job in ``state`` without history (for permission and state checks)."""
    defaults = {"scope": "Contain the incident.", "requested_at": timezone.now()}
    if state not in ("requested", "accepted", "declined", "escalated", "cancelled"):
        defaults["estimate"] = Decimal("4000.00")
    if state not in ("requested", "accepted", "declined", "escalated", "cancelled", "quoted"):
        defaults["approved_estimate"] = Decimal("4000.00")
    if state == "declined":
        defaults["decline_reason"] = "No capacity."
    defaults.update(fields)
    return VendorJob.objects.create(claim=claim, organisation=organisation,
                                    service=service(service_code), state=state, **defaults)
