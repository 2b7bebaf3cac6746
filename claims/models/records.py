"""What accumulates on a claim: notes (append-only), documents and information requests."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from claims.models.claim import Claim


class ClaimNote(models.Model):
    """A note on a claim. Append-only: PostgreSQL triggers refuse UPDATE and DELETE."""

    class Visibility(models.TextChoices):
        INTERNAL = "internal", "Internal (adjusters only)"
        POLICYHOLDER = "policyholder", "Visible to the policyholder"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    visibility = models.CharField(
        max_length=20, choices=Visibility.choices, default=Visibility.INTERNAL
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on {self.claim}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Claim notes are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Claim notes are append-only.")


class InformationRequest(models.Model):
    """An adjuster asks the policyholder something; open requests mean the claim is awaiting
    information."""

    class Kind(models.TextChoices):
        GENERAL = "general", "Question"
        IT_SECURITY_PROOF = "it_security_proof", "Proof for the IT-security discount"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ANSWERED = "answered", "Answered"
        CANCELLED = "cancelled", "Cancelled"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="information_requests")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.GENERAL)
    question = models.TextField()
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [
            # A claim's open requests by due date ("awaiting information", "due by").
            models.Index(fields=["claim", "due_date"], condition=Q(status="open"),
                         name="inforequest_open_by_claim_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | ~Q(answer=""),
                name="information_request_answered_has_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.claim} (due {self.due_date:%Y-%m-%d})"


def document_upload_to(document: ClaimDocument, filename: str) -> str:
    """A random stored name under ``claims/<claim id>/`` with the extension of the real type."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"claims/{document.claim_id}/{uuid.uuid4().hex}.{extension}"


class ClaimDocument(models.Model):
    class Type(models.TextChoices):
        EVIDENCE = "evidence", "Evidence"
        CORRESPONDENCE = "correspondence", "Correspondence"
        VENDOR_REPORT = "vendor_report", "Vendor report"
        INVOICE = "invoice", "Invoice"
        OTHER = "other", "Other"

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="documents")
    doc_type = models.CharField("type", max_length=20, choices=Type.choices, default=Type.EVIDENCE)
    file = models.FileField(upload_to=document_upload_to, max_length=255)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120, help_text="Detected from the content.")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    information_request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.PROTECT,
        related_name="documents",
    )

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_doc_type_display()})"
