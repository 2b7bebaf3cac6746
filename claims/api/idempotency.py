"""``Idempotency-Key`` for the writes that create claims or money.

The service a view calls opens its own durable transaction, so the key is kept around it, not in
it. A PostgreSQL advisory lock on (user, key) is held for the whole request: a second request with
the same key waits until the first one has finished, then finds the stored response and replays it
(same status, same body). The key row is committed as "pending" before the write and gets the
response after it; a write that fails (an error response or an exception) deletes the row, so the
request can be retried under the same key. If the process dies between the write and storing its
response, the row stays pending and a retry is refused with 409 ``idempotency_key_pending`` rather
than writing twice. The key sent again with another method, path or body is refused with 409
``idempotency_key_reused``.

A view whose write can run as a step of the caller's transaction (its service called with
``composed=True``) uses ``idempotent_atomic`` instead: the key row is inserted, the write done and
the response stored in one durable transaction. A concurrent request with the same key blocks on
the key's unique index until that transaction ends, then finds the stored response (committed) or
no row (rolled back: it writes itself), so no advisory lock and no separate commit is needed, and
a key is never left pending.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from functools import wraps

from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

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


def _lock_id(user, key: str) -> int:
    """A signed 64-bit advisory lock id for (user, key)."""
    digest = hashlib.sha256(f"idempotency\n{user.pk}\n{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _key_locked(user, key: str):
    """Hold a session-level advisory lock on (user, key) for the block."""
    lock_id = _lock_id(user, key)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [lock_id])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [lock_id])


def _insert_key(*, user, key: str, request, fingerprint: str) -> int | None:
    """Insert the key row as pending in the current transaction; its id if this request owns it
    (None: it existed)."""
    table = IdempotencyKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, key, method, path, request_hash, created_at) "
            "VALUES (%s, %s, %s, %s, %s, now()) ON CONFLICT (user_id, key) DO NOTHING "
            "RETURNING id",
            [user.pk, key, request.method, request.path[:500], fingerprint],
        )
        row = cursor.fetchone()
    return row[0] if row is not None else None


def _claim_key(*, user, key: str, request, fingerprint: str) -> bool:
    """Commit the key row as pending; True if this request owns it (False: it existed)."""
    with transaction.atomic(durable=True):
        return _insert_key(user=user, key=key, request=request,
                           fingerprint=fingerprint) is not None


def _replay(stored: IdempotencyKey, fingerprint: str) -> Response:
    if stored.request_hash != fingerprint:
        return error_response(
            status_code=409, code="idempotency_key_reused",
            message=_("This %(header)s was used for another request; send a new key.") % {
                        "header": HEADER},
        )
    if stored.response_status is None:
        return error_response(
            status_code=409, code="idempotency_key_pending",
            message=_("The first request with this %(header)s did not finish; check "
                      "whether it took effect before you send it again with a new key.") % {
                        "header": HEADER},
        )
    response = Response(stored.response_body, status=stored.response_status)
    response["Idempotent-Replayed"] = "true"
    return response


def _key_error(key: str) -> Response | None:
    if len(key) > MAX_KEY_LENGTH:
        return error_response(
            status_code=400, code="invalid", message=_("The %(header)s is too long.") % {
                                                         "header": HEADER},
            fields={HEADER: [_("At most %(max_key_length)s characters.") % {
                                 "max_key_length": MAX_KEY_LENGTH}]},
        )
    return None


def _stored_body(response) -> object:
    return json.loads(JSONRenderer().render(response.data) or b"null")


def idempotent(view_method):
    """Decorate a view's create handler (``def create(self, request, *args, **kwargs)``)."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = idempotency_key(request)
        if not key:
            return view_method(self, request, *args, **kwargs)
        if (refused := _key_error(key)) is not None:
            return refused
        fingerprint = request_fingerprint(request)
        with _key_locked(request.user, key):
            if not _claim_key(user=request.user, key=key, request=request,
                              fingerprint=fingerprint):
                stored = IdempotencyKey.objects.get(user=request.user, key=key)
                return _replay(stored, fingerprint)
            keys = IdempotencyKey.objects.filter(user=request.user, key=key)
            try:
                response = view_method(self, request, *args, **kwargs)
            except BaseException:
                keys.delete()
                raise
            if response.status_code >= 400:
                keys.delete()
                return response
            keys.update(response_status=response.status_code,
                        response_body=_stored_body(response))
        return response

    return wrapper


def idempotency_key(request) -> str:
    """The request's ``Idempotency-Key`` ("" without one)."""
    return request.headers.get(HEADER, "").strip()


def idempotent_atomic(view_method):
    """Decorate a view's create handler whose writes all run in the caller's transaction (the
    services called with ``composed=True``): key, write and stored response commit together, or
    nothing does (an exception or an error response rolls the whole transaction back)."""

    @wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = idempotency_key(request)
        if not key:
            with transaction.atomic(durable=True):
                response = view_method(self, request, *args, **kwargs)
                if response.status_code >= 400:
                    transaction.set_rollback(True)
            return response
        if (refused := _key_error(key)) is not None:
            return refused
        fingerprint = request_fingerprint(request)
        with transaction.atomic(durable=True):
            key_id = _insert_key(user=request.user, key=key, request=request,
                                 fingerprint=fingerprint)
            if key_id is None:  # stored (a concurrent first request: once it has committed)
                stored = IdempotencyKey.objects.get(user=request.user, key=key)
                return _replay(stored, fingerprint)
            response = view_method(self, request, *args, **kwargs)
            if response.status_code >= 400:
                transaction.set_rollback(True)  # no key kept: the request can be retried
                return response
            with connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {IdempotencyKey._meta.db_table} SET response_status = %s, "
                    "response_body = %s::jsonb WHERE id = %s",
                    [response.status_code,
                     (JSONRenderer().render(response.data) or b"null").decode(), key_id],
                )
        return response

    return wrapper
