"""Reports received before they are claims (``Prefer: respond-async``, the surge intake).

The request only checks the input and stores a row; a worker registers it through the same report
service and rules as every other claim (``claims.services.receipts``). ``ReceivedReport`` holds
what every received report has; ``ReportReceipt`` is an ordinary report's, the events app's
``EventReport`` one under a cyber event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from claims.models.claim import Claim
from coverage.models import LossType


class ReceivedReport(models.Model):
    """What a report received for registration holds: the report service's input, its status
    and, once registered, the claim (each concrete model declares its ``claim``)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received, being registered")
        REGISTERED = "registered", _("Registered as a claim")
        FAILED = "failed", _("Could not be registered")

    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reported by"))
    policy = models.ForeignKey("policies.Policy", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("policy"))
    loss_type = models.ForeignKey(LossType, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("loss type"))
    loss_date = models.DateField(_("loss date"))
    description = models.TextField(_("description"))
    emergency = models.BooleanField(_("emergency"), default=False)
    estimated_amount = models.DecimalField(_("estimated amount"), max_digits=14,
                                           decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.RECEIVED)
    error = models.TextField(_("error"), blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        abstract = True


class ReportReceipt(ReceivedReport):
    """An ordinary report received asynchronously (the API's ``Prefer: respond-async``)."""

    # No index of its own: the policyholder's list index (report_receipt_by_user) leads with it,
    # and every receipt written keeps one index fewer up to date.
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+", db_index=False,
                                    verbose_name=_("reported by"))
    claimant_name = models.CharField(_("claimant's name"), max_length=200, blank=True)
    claimant_email = models.EmailField(_("claimant's email"), blank=True)
    claimant_address = models.TextField(_("claimant's address"), blank=True)
    claim = models.OneToOneField(Claim, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="report_receipt", verbose_name=_("claim"))

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name = _("received report")
        verbose_name_plural = _("received reports")
        constraints = [
            models.CheckConstraint(condition=~Q(status="registered") | Q(claim__isnull=False),
                                   name="report_receipt_registered_has_claim"),
        ]
        indexes = [
            # The registrar's read: the received ones, oldest first.
            models.Index(fields=["status", "received_at"], name="report_receipt_queue"),
            # The policyholder's list: theirs, newest first.
            models.Index(fields=["reported_by", "-received_at"], name="report_receipt_by_user"),
        ]

    def __str__(self) -> str:
        return f"Report {self.pk} ({self.status})"
