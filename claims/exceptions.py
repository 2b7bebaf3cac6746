"""Errors the claims services raise. Each carries the HTTP status an API answers with; the admin
and the portal turn them into messages."""

from __future__ import annotations

from django.utils.translation import gettext_lazy


class ClaimsError(Exception):
    """Base of every error a claims service raises on purpose."""

    status_code = 400
    default_message = gettext_lazy("The request could not be carried out.")

    def __init__(self, message: str = ""):
        self.message = message or str(self.default_message)
        super().__init__(self.message)


class PermissionDeniedError(ClaimsError):
    """The acting user may not do this (wrong role, not their claim)."""

    status_code = 403
    default_message = gettext_lazy("You are not allowed to do this.")


class TransitionConflict(ClaimsError):
    """The claim is not in a state that allows this, or someone changed it meanwhile."""

    status_code = 409
    default_message = gettext_lazy("The claim is not in a state that allows this.")


class ClaimValidationError(ClaimsError):
    """Input is missing or wrong; ``errors`` maps field names to messages."""

    status_code = 400
    default_message = gettext_lazy("The input is not valid.")

    def __init__(self, errors: dict[str, str | list[str]] | str):
        if isinstance(errors, str):
            errors = {"__all__": errors}
        self.errors: dict[str, list[str]] = {
            field: [messages] if isinstance(messages, str) else list(messages)
            for field, messages in errors.items()
        }
        text = "; ".join(
            " ".join(messages) if field == "__all__" else f"{field}: {' '.join(messages)}"
            for field, messages in self.errors.items()
        )
        super().__init__(text)
