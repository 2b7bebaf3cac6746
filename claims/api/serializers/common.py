"""Pieces every serializer of the API shares: the error shape and the refusal of unknown input."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers

MONEY = {"max_digits": 14, "decimal_places": 2}
# The longest reason, note or answer a person writes (a 1 MB "reason" is refused).
TEXT_MAX = 5000


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    """``{"error": {"code", "message", "fields"}}``: the one shape of every API error."""

    error = ErrorBodySerializer()


class StrictInputSerializer(serializers.Serializer):
    """Input that names a field the endpoint does not take (``state``, ``approved_amount``...) is
    refused with 400 naming it, instead of being silently dropped."""

    def validate(self, attrs):
        initial = self.initial_data if hasattr(self.initial_data, "keys") else {}
        unknown = sorted(set(initial.keys()) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: [_("This field is not accepted here.")] for name in unknown}
            )
        return super().validate(attrs)


class ReasonSerializer(StrictInputSerializer):
    reason = serializers.CharField(allow_blank=False, trim_whitespace=True, max_length=TEXT_MAX)
