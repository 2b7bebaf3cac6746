"""Serializers of the API: explicit fields, state and money read-only, related ids checked
against the caller's own rows, unknown input fields refused (no mass assignment)."""
