"""Tasks with due dates that each state opens, the templates they come from and the holidays that
business days skip. Templates and holidays are data an adjuster can change, not constants."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext

from claims.models.claim import Claim, ClaimState
from claims.models.records import InformationRequest


class Holiday(models.Model):
    """A public holiday: not a business day."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class ActivityTemplate(models.Model):
    """An activity opened when a claim enters ``state``, due in ``business_days`` (or, for an
    emergency claim, in ``emergency_hours`` clock hours when set)."""

    state = models.CharField(max_length=20, choices=ClaimState.choices)
    title = models.CharField(max_length=200)
    business_days = models.PositiveSmallIntegerField()
    emergency_hours = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For emergency claims: due in this many hours instead."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["state", "title"]
        constraints = [
            models.UniqueConstraint(fields=["state", "title"], name="activity_template_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {gettext(self.title)}"


class Activity(models.Model):
    """A task on a claim with a due time; escalated once to the adjuster's team lead when
    overdue."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="activities")
    title = models.CharField(max_length=200)
    template = models.ForeignKey(
        ActivityTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_in_state = models.CharField(
        max_length=20, choices=ClaimState.choices, blank=True,
        help_text="The state that opened it; empty for an information request's activity.",
    )
    information_request = models.ForeignKey(
        InformationRequest, null=True, blank=True, on_delete=models.PROTECT,
        related_name="activities",
    )
    due_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    completion_note = models.CharField(max_length=200, blank=True)
    overdue_at = models.DateTimeField(null=True, blank=True, help_text="When found overdue.")
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["completed_at", "due_at"]),
            # A claim's open activities by due time (the work queue's "next due" and "overdue").
            models.Index(fields=["claim", "due_at"], condition=models.Q(completed_at__isnull=True),
                         name="activity_open_by_claim_idx"),
        ]

    def __str__(self) -> str:
        return f"{gettext(self.title)} ({self.claim})"

    @property
    def is_open(self) -> bool:
        return self.completed_at is None
