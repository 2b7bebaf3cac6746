"""Data protection: retention rules, legal holds, pseudonymisation records, data-subject requests
(exports and erasure) and the access log.

A data subject is one of three kinds of person: a policyholder (their record), a claimant (a third
party named on claims, found by e-mail address) or a vendor contact (the contact of a vendor
organisation and its logins). ``SubjectFields`` carries that choice on both kinds of request.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class RetentionRule(models.Model):
    """How long a kind of record is kept after its retention clock starts. Data, not code."""

    class AppliesTo(models.TextChoices):
        CLOSED_CLAIM = "closed_claim", _("Closed claim (from the date it was closed)")
        WITHDRAWN_REPORT = "withdrawn_report", _(
            "Report that never became a claim (withdrawn; from the withdrawal)")
        ENDED_POLICY = "ended_policy", _("Policyholder record (from the end of the last policy)")

    applies_to = models.CharField(_("applies to"), max_length=30, choices=AppliesTo.choices,
                                  unique=True)
    years = models.PositiveSmallIntegerField(_("years kept"))
    legal_basis = models.CharField(_("legal basis"), max_length=200)

    class Meta:
        ordering = ["applies_to"]
        verbose_name = _("retention rule")
        verbose_name_plural = _("retention rules")
        constraints = [models.CheckConstraint(condition=Q(years__gte=1),
                                              name="retention_at_least_one_year")]

    def __str__(self) -> str:
        return f"{self.get_applies_to_display()}: {self.years} years"


class LegalHold(models.Model):
    """A claim under litigation (or an authority's request): nothing of it is pseudonymised or
    erased while a hold is active (not released)."""

    claim = models.ForeignKey("claims.Claim", on_delete=models.PROTECT,
                              related_name="legal_holds", verbose_name=_("claim"))
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("placed by"))
    placed_at = models.DateTimeField(_("placed at"), auto_now_add=True)
    released_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("released by"))
    released_at = models.DateTimeField(_("released at"), null=True, blank=True)
    release_reason = models.TextField(_("release reason"), blank=True)

    class Meta:
        ordering = ["-placed_at", "-id"]
        verbose_name = _("legal hold")
        verbose_name_plural = _("legal holds")
        constraints = [
            models.UniqueConstraint(fields=["claim"], condition=Q(released_at__isnull=True),
                                    name="legal_hold_one_active_per_claim"),
            models.CheckConstraint(condition=~Q(reason=""), name="legal_hold_has_reason"),
            models.CheckConstraint(
                condition=Q(released_at__isnull=True) | ~Q(release_reason=""),
                name="legal_hold_release_has_reason"),
        ]

    def __str__(self) -> str:
        state = _("active") if self.is_active else _("released")
        return f"{_('Legal hold')} {self.pk} ({state})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None


class Pseudonymisation(models.Model):
    """The record that a claim's or a policyholder's personal data was pseudonymised: when, why
    (the rule or the erasure request) and what was changed. Its existence makes the work
    idempotent."""

    claim = models.OneToOneField("claims.Claim", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="pseudonymisation", verbose_name=_("claim"))
    policyholder = models.OneToOneField(
        "policies.Policyholder", null=True, blank=True, on_delete=models.PROTECT,
        related_name="pseudonymisation", verbose_name=_("policyholder"))
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)
    done_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", verbose_name=_("done by"),
                                help_text=_("Empty: the retention task."))
    rule = models.ForeignKey(RetentionRule, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+", verbose_name=_("rule"))
    retention_ended_on = models.DateField(_("retention ended on"), null=True, blank=True)
    erasure_request = models.ForeignKey("ErasureRequest", null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    summary = models.JSONField(_("what was changed"), default=dict, blank=True)

    class Meta:
        ordering = ["-done_at", "-id"]
        verbose_name = _("pseudonymisation")
        verbose_name_plural = _("pseudonymisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(claim__isnull=False, policyholder__isnull=True)
                | Q(claim__isnull=True, policyholder__isnull=False),
                name="pseudonymisation_of_one_thing"),
        ]

    def __str__(self) -> str:
        return f"{_('Pseudonymised')} {self.claim or self.policyholder}"


class SubjectKind(models.TextChoices):
    POLICYHOLDER = "policyholder", _("Policyholder")
    CLAIMANT = "claimant", _("Claimant (third party)")
    VENDOR_CONTACT = "vendor_contact", _("Vendor contact")


class SubjectFields(models.Model):
    """Who a request is about: exactly the field of its kind is set."""

    subject_kind = models.CharField(_("kind of person"), max_length=20,
                                    choices=SubjectKind.choices)
    policyholder = models.ForeignKey("policies.Policyholder", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("policyholder"))
    claimant_email = models.EmailField(_("claimant's e-mail address"), blank=True)
    vendor_organisation = models.ForeignKey(
        "vendors.VendorOrganisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", verbose_name=_("vendor organisation"))

    class Meta:
        abstract = True

    @property
    def subject_label(self) -> str:
        if self.subject_kind == SubjectKind.POLICYHOLDER:
            return str(self.policyholder)
        if self.subject_kind == SubjectKind.CLAIMANT:
            return self.claimant_email
        return str(self.vendor_organisation)


def subject_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(subject_kind="policyholder", policyholder__isnull=False,
                    claimant_email="", vendor_organisation__isnull=True)
        | Q(subject_kind="claimant", policyholder__isnull=True,
            vendor_organisation__isnull=True) & ~Q(claimant_email="")
        | Q(subject_kind="vendor_contact", policyholder__isnull=True, claimant_email="",
            vendor_organisation__isnull=False),
        name=name,
    )


def export_upload_to(export: DataExport, filename: str) -> str:
    return f"privacy/exports/{uuid.uuid4().hex}.zip"


class DataExport(SubjectFields):
    """A copy of everything held about one person (Art. 15 and 20 GDPR): a ZIP with a JSON file
    and the documents, built by a Celery task; downloadable until ``expires_at``."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired (file deleted)")

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    step = models.CharField(_("step"), max_length=200, blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("requested by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    file = models.FileField(upload_to=export_upload_to, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    contents = models.JSONField(_("contents"), default=dict, blank=True,
                                help_text=_("How many records of each kind the file holds."))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("data export")
        verbose_name_plural = _("data exports")
        permissions = [("handle_personal_data",
                        "Can handle data-subject requests (exports, erasure, access log)")]
        indexes = [models.Index(fields=["status", "expires_at"])]
        constraints = [
            subject_constraint("data_export_one_subject"),
            models.CheckConstraint(condition=Q(progress__lte=100),
                                   name="data_export_progress_at_most_100"),
        ]

    def __str__(self) -> str:
        return f"{_('Export')} {self.pk}: {self.subject_label}"


class ErasureRequest(SubjectFields):
    """A request to erase a person's data (Art. 17 GDPR): recorded, checked against retention
    periods and legal holds, and answered with what was erased and what is kept and why."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        ANSWERED = "answered", _("Answered")

    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.RECEIVED)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("recorded by"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    due_by = models.DateField(_("answer due by"))
    note = models.TextField(_("what the person asked"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    erased = models.JSONField(_("erased"), default=list, blank=True)
    kept = models.JSONField(_("kept, and why"), default=list, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        constraints = [subject_constraint("erasure_request_one_subject")]

    def __str__(self) -> str:
        return f"{_('Erasure request')} {self.pk}: {self.subject_label}"


class AccessLogEntry(models.Model):
    """One view or download of a claim's personal data or a document by staff or a vendor.

    Written with one INSERT per view (never by list pages). ``policyholder`` is copied from the
    claim so that the log per person needs no join."""

    class What(models.TextChoices):
        CLAIM = "claim", _("Claim viewed")
        DOCUMENT = "document", _("Document downloaded")
        EXPORT = "export", _("Data export downloaded")

    class Channel(models.TextChoices):
        ADMIN = "admin", _("Claims admin")
        API = "api", _("Adjusters' API")
        VENDOR_PORTAL = "vendor_portal", _("Vendor portal")
        VENDOR_API = "vendor_api", _("Vendor API")
        PORTAL = "portal", _("Policyholder portal")

    at = models.DateTimeField(_("when"), auto_now_add=True)
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("who"))
    what = models.CharField(_("what"), max_length=10, choices=What.choices)
    channel = models.CharField(_("where"), max_length=20, choices=Channel.choices)
    claim = models.ForeignKey("claims.Claim", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+", db_index=False, verbose_name=_("claim"))
    document = models.ForeignKey("claims.ClaimDocument", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", db_index=False,
                                 verbose_name=_("document"))
    policyholder = models.ForeignKey("policies.Policyholder", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     db_index=False, verbose_name=_("policyholder"))
    export = models.ForeignKey(DataExport, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["claim", "-at"], name="access_log_claim_at"),
            models.Index(fields=["policyholder", "-at"], name="access_log_holder_at"),
            models.Index(fields=["user", "-at"], name="access_log_user_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.get_what_display()}"
