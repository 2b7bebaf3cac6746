"""Pieces every serializer of the API shares: the error shape and the refusal of unknown input."""

from __future__ import annotations

import copy

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


class FieldsBuiltOnce:
    """Mixin for a serializer on a hot path: its fields are built once per class (a model
    serializer derives them from the model, and DRF deep-copies the declared ones, on every
    instance); each instance binds copies of them, so what one instance changes on its fields
    (a queryset, a flag) stays its own. A plain field is copied shallowly; a nested serializer
    or a field with a child is deep-copied as DRF does."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_fields_built_once")
        if built is None:
            built = super().get_fields()
            cls._fields_built_once = built
        return {name: copy.deepcopy(field) if _nests(field) else _shallow_copy(field)
                for name, field in built.items()}


def _shallow_copy(field):
    """``copy.copy(field)`` (a DRF field defines no ``__copy__``: its class and a copy of its
    attributes) without the pickle protocol's round trip, a third of the time."""
    clone = field.__class__.__new__(field.__class__)
    clone.__dict__.update(field.__dict__)
    return clone


def _nests(field) -> bool:
    return (isinstance(field, serializers.BaseSerializer)
            or getattr(field, "child", None) is not None
            or getattr(field, "child_relation", None) is not None)


class StrictInputSerializer(serializers.Serializer):
    """Input that names a field the endpoint does not take (``state``, ``approved_amount``...) is
    refused with 400 naming it, instead of being silently dropped; a text field given a number,
    a true/false or a list in JSON is refused with 400 too (DRF turns a number into its text:
    ``1.2e+302`` as a note)."""

    def to_internal_value(self, data):
        if hasattr(data, "keys") and not hasattr(data, "getlist"):  # JSON, not a form's fields
            wrong = {name: [_("Not a valid string.")] for name, field in self.fields.items()
                     if isinstance(field, serializers.CharField) and not field.read_only
                     and data.get(name) is not None and not isinstance(data.get(name), str)}
            if wrong:
                raise serializers.ValidationError(wrong)
        return super().to_internal_value(data)

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
