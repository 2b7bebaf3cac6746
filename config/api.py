"""One JSON error shape for the whole API: ``{"error": {"code", "message", "fields"}}``.

400 validation (with field names), 401 not signed in, 403 the role may not do this at all, 404
absent or not yours (the same answer), 409 transition not allowed in this state or a concurrent
change.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from claims.exceptions import ClaimsError
from coverage.settlement import SettlementInputError
from language.money import format_amount


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {}


def error_response(*, status_code: int, code: str, message: str, fields: dict | None = None):
    return Response(
        {"error": {"code": code, "message": message, "fields": fields or {}}}, status=status_code
    )


def exception_handler(exc, context):
    if isinstance(exc, ClaimsError):
        codes = {400: "invalid", 403: "permission_denied", 404: "not_found", 409: "conflict"}
        return error_response(
            status_code=exc.status_code, code=codes.get(exc.status_code, "error"),
            message=exc.message, fields=_fields(getattr(exc, "errors", None) or {}),
        )
    if isinstance(exc, ConcurrentTransition):
        return error_response(
            status_code=status.HTTP_409_CONFLICT, code="concurrent_change",
            message=_("Someone else changed this at the same moment; reload and try again."),
        )
    if isinstance(exc, TransitionNotAllowed):
        return error_response(
            status_code=status.HTTP_409_CONFLICT, code="transition_not_allowed", message=str(exc)
        )
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages)
        return error_response(
            status_code=status.HTTP_400_BAD_REQUEST, code="invalid", message=message,
            fields=_fields(fields),
        )
    if isinstance(exc, SettlementInputError):
        return error_response(status_code=status.HTTP_400_BAD_REQUEST, code="invalid",
                              message=exc.text(_, format_amount))
    if isinstance(exc, DataError):
        # A value the database cannot hold (a NUL character, a number out of range) that no
        # validator caught: the input's fault, so a 400 rather than a 500.
        return error_response(
            status_code=status.HTTP_400_BAD_REQUEST, code="invalid",
            message=_("A value in the request cannot be stored (out of range or a forbidden "
                      "character)."),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    if isinstance(exc, exceptions.ValidationError):
        message = _("The request is not valid; see the fields.")
        fields = _fields(detail) if isinstance(detail, dict) else {"non_field_errors": [
            str(item) for item in (detail if isinstance(detail, list) else [detail])
        ]}
        code = "invalid"
    else:
        message = str(detail.get("detail", detail)) if isinstance(detail, dict) else str(detail)
        fields = {}
        code = getattr(exc, "default_code", "error")
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    return response


def not_found(request, exception=None):
    """``handler404``: a path under /api/ that matches no route answers in the error shape too
    (a page keeps Django's HTML page)."""
    if request.path.startswith("/api/"):
        from django.http import JsonResponse

        return JsonResponse(
            {"error": {"code": "not_found", "message": _("Not found."), "fields": {}}}, status=404
        )
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)


ERROR_DESCRIPTIONS = {
    "400": "Validation failed; `fields` names the fields.",
    "401": "Not signed in.",
    "403": "Your role may not do this at all.",
    "404": "Absent or not yours (the same answer).",
    "409": "Not allowed in this state, or a concurrent change.",
}


def _empty_choice_means_any(operation) -> None:
    """A choice filter sent empty (``?status=``) is no filter: the schema says so, so that
    clients and Schemathesis know the server accepts it."""
    for parameter in operation.get("parameters", []):
        if parameter.get("in") != "query":
            continue
        schema = parameter.get("schema", {})
        target = schema.get("items", {}) if schema.get("type") == "array" else schema
        if "enum" in target and "" not in target["enum"]:
            target["enum"] = [*target["enum"], ""]


def schema_document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation documents the error responses in the
    one error shape (views that annotate their own keep them)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("Error", {
        "type": "object", "required": ["error"],
        "properties": {"error": {
            "type": "object", "required": ["code", "message", "fields"],
            "properties": {
                "code": {"type": "string"}, "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {
                    "type": "array", "items": {"type": "string"}}},
            },
        }},
    })
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            _empty_choice_means_any(operation)
            codes = ["401", "403", "404"] + (["400", "409"] if method != "get" else [])
            if method == "get" and any(p.get("in") == "query"
                                       for p in operation.get("parameters", [])):
                codes.append("400")  # a query parameter the server cannot use
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(code, {
                    "description": ERROR_DESCRIPTIONS[code],
                    "content": {"application/json": {
                        "schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
