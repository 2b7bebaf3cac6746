"""``Idempotency-Key`` for the writes that create claims or money.

The key row is inserted first, in the same transaction as the write (``INSERT ... ON CONFLICT DO
NOTHING``). A second request with the same key blocks on the unique index until the first one's
transaction ends; it then finds the stored response and replays it (same status, same body). The
key sent again with another method, path or body is refused with 409 ``idempotency_key_reused``.
If the write fails with an error the transaction rolls back with the key row, so the request can
be retried under the same key.

The claims services open a durable transaction of their own; here they run inside the key's
transaction on purpose (``claims.services.tx.batch``), so the key and the write commit together.
"""

from __future__ import annotations

import hashlib
import json
from functools import wraps

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from claims.services.tx import batch
from config.api import error_response
from config.models import IdempotencyKey

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="Send the same key again to get the first response instead of a second write; "
                "the same key with another body is refused (409 idempotency_key_reused).",
)


def _plain(value):
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        value.seek(0)
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict
        return {key: [_plain(item) for item in items] for key, items in value.lists()}
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def request_fingerprint(request) -> str:
    body = json.dumps(_plain(request.data), sort_keys=True, default=str)
    text = f"{request.method}\n{request.path}\n{body}"
    return hashlib.sha256(text.encode()).hexdigest()


def _claim_key(*, user, key: str, request, fingerprint: str) -> bool:
    """Insert the key row; True if this request owns it (False: it existed already)."""
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, key, method, path, request_hash, created_at) "
            "VALUES (%s, %s, %s, %s, %s, now()) ON CONFLICT (user_id, key) DO NOTHING "
            "RETURNING id",
            [user.pk, key, request.method, request.path[:500], fingerprint],
        )
        return cursor.fetchone() is not None


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        return error_response(
            status_code=409, code="idempotency_key_reused",
            message=f"This {HEADER} was used for another request; send a new key.",
        )
    response = Response(stored.response_body, status=stored.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view_method):
    """Decorate a view's create handler (``def create(self, request, *args, **kwargs)``)."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER, "").strip()
        if not key:
            return view_method(self, request, *args, **kwargs)
        if len(key) > MAX_KEY_LENGTH:
            return error_response(
                status_code=400, code="invalid", message=f"The {HEADER} is too long.",
                fields={HEADER: [f"At most {MAX_KEY_LENGTH} characters."]},
            )
        fingerprint = request_fingerprint(request)
        with transaction.atomic(), batch():
            if not _claim_key(user=request.user, key=key, request=request,
                              fingerprint=fingerprint):
                stored = IdempotencyKey.objects.get(user=request.user, key=key)
                return _replay(stored, fingerprint)
            response = view_method(self, request, *args, **kwargs)
            body = json.loads(JSONRenderer().render(response.data) or b"null")
            IdempotencyKey.objects.filter(user=request.user, key=key).update(
                response_status=response.status_code, response_body=body
            )
        return response

    return wrapper
