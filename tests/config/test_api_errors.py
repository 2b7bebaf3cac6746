"""Every API error has one JSON shape: {"error": {"code", "message", "fields"}}."""

import pytest
from django.core.exceptions import ValidationError
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions

from claims.exceptions import ClaimValidationError, PermissionDeniedError, TransitionConflict
from config.api import exception_handler


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (ClaimValidationError({"loss_date": "The loss date lies in the future."}), 400, "invalid"),
        (PermissionDeniedError(), 403, "permission_denied"),
        (TransitionConflict("The claim is closed."), 409, "conflict"),
        (ConcurrentTransition("changed"), 409, "concurrent_change"),
        (TransitionNotAllowed("no"), 409, "transition_not_allowed"),
        (ValidationError({"amount": ["Not a number."]}), 400, "invalid"),
        (exceptions.NotAuthenticated(), 401, "not_authenticated"),
        (exceptions.NotFound(), 404, "not_found"),
        (exceptions.ValidationError({"amount": ["This field is required."]}), 400, "invalid"),
    ],
)
def test_errors_share_one_shape_with_the_right_status(error, status, code):
    response = exception_handler(error, {})
    assert response.status_code == status
    body = response.data["error"]
    assert body["code"] == code
    assert body["message"]
    assert isinstance(body["fields"], dict)


def test_validation_errors_name_the_fields():
    response = exception_handler(
        ClaimValidationError({"loss_date": "The loss date lies in the future."}), {}
    )
    assert response.data["error"]["fields"] == {"loss_date": ["The loss date lies in the future."]}
    response = exception_handler(exceptions.ValidationError({"amount": ["Required."]}), {})
    assert response.data["error"]["fields"] == {"amount": ["Required."]}
