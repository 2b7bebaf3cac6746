"""Input of a claim transition (adjusters)."""

from __future__ import annotations

from rest_framework import serializers

from claims.models import DenialReason

from .common import StrictInputSerializer


class TransitionSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    denial_reason = serializers.ChoiceField(choices=DenialReason.choices, required=False)
