"""Input of a claim transition (adjusters)."""

from __future__ import annotations

from rest_framework import serializers

from claims.models import DenialReason

from .common import TEXT_MAX, StrictInputSerializer


class TransitionSerializer(StrictInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="",
                                   max_length=TEXT_MAX)
    denial_reason = serializers.ChoiceField(choices=DenialReason.choices, required=False)
