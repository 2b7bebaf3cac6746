"""Cyber events: one campaign, outage, flaw or faulty update that hits many policyholders at once.

An adjuster declares the event with what identifies it; claims are linked to it by hand, in bulk,
or by confirming a suggestion the matcher made. The writes live in ``claims.events.services``.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models import Claim, ReceivedReport
from claims.vendors.models import VendorOrganisation
from coverage.models import LossType

cve_id_validator = RegexValidator(r"^CVE-\d{4}-\d{4,7}$", _("A CVE id looks like CVE-2026-12345."))


class EventKind(models.TextChoices):
    MALWARE_CAMPAIGN = "malware_campaign", _("Malware campaign")
    PROVIDER_OUTAGE = "provider_outage", _("Provider outage")
    VULNERABILITY = "vulnerability", _("Vulnerability")
    FAULTY_UPDATE = "faulty_update", _("Faulty update")


class CyberEvent(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices)
    description = models.TextField(
        _("description"), blank=True,
        help_text=_("What happened, in words the policyholders read in the portal."),
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(
        _("ends at"), null=True, blank=True, help_text=_("Empty while the event goes on.")
    )
    providers = ArrayField(
        models.CharField(max_length=120), default=list, blank=True, verbose_name=_("providers"),
        help_text=_("IT providers hit or at the origin (e.g. a cloud or hosting provider)."),
    )
    software = ArrayField(
        models.CharField(max_length=120), default=list, blank=True, verbose_name=_("software"),
        help_text=_("Software names (the flawed product, the faulty update)."),
    )
    indicators = ArrayField(
        models.CharField(max_length=200), default=list, blank=True,
        verbose_name=_("indicators"),
        help_text=_("Indicators of compromise: malware family, ransom-note name, domains."),
    )
    cve_id = models.CharField(_("CVE id"), max_length=20, blank=True,
                              validators=[cve_id_validator])
    loss_types = models.ManyToManyField(
        LossType, blank=True, related_name="+", verbose_name=_("loss types"),
        help_text=_("Claims of these loss types in the window are suggested."),
    )
    report_loss_type = models.ForeignKey(
        LossType, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("cause on the short report form"),
    )
    vendor_panel = models.ManyToManyField(
        VendorOrganisation, blank=True, related_name="+", verbose_name=_("vendor panel"),
        help_text=_("Vendors offered for the event's claims (empty: every proposed vendor)."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN,
                              db_index=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    declared_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-starts_at", "name"]
        verbose_name = _("cyber event")
        verbose_name_plural = _("cyber events")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=F("starts_at")),
                name="event_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False),
                name="event_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def named(self) -> list[str]:
        """Providers and software together: the names dependencies are compared with."""
        return [*self.providers, *self.software]

    @property
    def terms(self) -> list[str]:
        """Everything a claim's text is searched for."""
        return [term for term in [*self.named, *self.indicators, self.cve_id] if term.strip()]

    def window(self, *, today: date | None = None) -> tuple[date, date]:
        """The loss dates the event covers: its start to its end (today while it goes on)."""
        today = today or timezone.localdate()
        last = timezone.localdate(self.ends_at) if self.ends_at else today
        return timezone.localdate(self.starts_at), max(last, timezone.localdate(self.starts_at))


class EventClaim(models.Model):
    """A claim that is part of an event."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("Linked by hand")
        BULK = "bulk", _("Linked in bulk from the claim list")
        SUGGESTION = "suggestion", _("Suggestion confirmed")
        REPORT = "report", _("Reported under the event by the policyholder")

    event = models.ForeignKey(CyberEvent, on_delete=models.CASCADE, related_name="links")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="event_links")
    source = models.CharField(max_length=12, choices=Source.choices)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="+")
    linked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["event", "linked_at", "id"]
        verbose_name = _("claim of an event")
        verbose_name_plural = _("claims of events")
        constraints = [
            models.UniqueConstraint(fields=["event", "claim"], name="event_claim_once"),
        ]
        indexes = [models.Index(fields=["event", "linked_at"])]

    def __str__(self) -> str:
        return f"{self.claim} in {self.event}"


class EventSuggestion(models.Model):
    """"Probably part of event X": a claim the matcher found, for an adjuster to confirm or
    reject. A rejected suggestion is never made again for the same event."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an adjuster")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    event = models.ForeignKey(CyberEvent, on_delete=models.CASCADE, related_name="suggestions")
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="event_suggestions")
    reasons = models.JSONField(default=list, help_text=_("Why the claim matched."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["event", "created_at", "id"]
        verbose_name = _("event suggestion")
        verbose_name_plural = _("event suggestions")
        constraints = [
            models.UniqueConstraint(fields=["event", "claim"], name="event_suggestion_once"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_at__isnull=False),
                name="event_suggestion_decided_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            # The claim page, the claim list's column and its "to confirm" filter ask for a
            # claim's open suggestions: a few rows among the decided ones of every surge.
            models.Index(fields=["claim"], condition=Q(status="open"),
                         name="event_suggestion_open_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.claim} probably part of {self.event}"


class VendorDailyCapacity(models.Model):
    """How many new jobs a vendor takes on per day in an event (data, set by the adjusters). A
    vendor without a row has no limit."""

    organisation = models.OneToOneField(VendorOrganisation, on_delete=models.CASCADE,
                                        related_name="daily_capacity")
    jobs_per_day = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("vendor daily capacity")
        verbose_name_plural = _("vendor daily capacities")
        constraints = [
            models.CheckConstraint(condition=Q(jobs_per_day__gte=1),
                                   name="vendor_capacity_at_least_one"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.jobs_per_day} jobs a day"


class EventReport(ReceivedReport):
    """A report received under an open event, before it is a claim.

    In a surge the request only checks the input and stores this row (cheap and never waiting on
    the claim-number lock); a worker then registers it through the same report service and rules
    as every other claim (``event_report_register``) and links the claim to the event. The
    policyholder sees the claim number as soon as it is registered.
    """

    event = models.ForeignKey(CyberEvent, on_delete=models.PROTECT, related_name="reports")
    submission_token = models.UUIDField(null=True, blank=True,
                                        help_text=_("The portal form's one-time token."))
    claim = models.OneToOneField(Claim, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="event_report")

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("report under an event")
        verbose_name_plural = _("reports under events")
        constraints = [
            models.UniqueConstraint(fields=["reported_by", "submission_token"],
                                    name="event_report_submitted_once"),
            models.CheckConstraint(condition=~Q(status="registered") | Q(claim__isnull=False),
                                   name="event_report_registered_has_claim"),
        ]
        indexes = [models.Index(fields=["status", "received_at"])]

    def __str__(self) -> str:
        return f"Report {self.pk} under {self.event_id} ({self.status})"
