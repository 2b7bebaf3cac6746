"""What the claims department knows about an adjuster: their team lead and approval limit."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from coverage.models import MONEY


class AdjusterProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="adjuster_profile"
    )
    team_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="team_members",
        help_text="Overdue activities of this adjuster's claims are escalated to them.",
    )
    approval_limit = models.DecimalField(
        **MONEY, null=True, blank=True, default=None,
        validators=[MinValueValidator(Decimal("0.00"))],
        help_text="A personal limit below the authority level's (empty: the level's limit).",
    )

    class Meta:
        ordering = ["user__username"]

    def __str__(self) -> str:
        return f"Adjuster {self.user.get_username()}"
