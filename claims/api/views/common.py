"""Schema pieces the views share: the documented error responses."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse

from ..serializers.common import ErrorSerializer


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The error responses of an endpoint, each in the one error shape."""
    descriptions = {
        400: "Validation failed; `fields` names the fields.",
        401: "Not signed in.",
        403: "Your role may not do this at all.",
        404: "Absent or not yours (the same answer).",
        409: "Not allowed in this state, a concurrent change, or an Idempotency-Key reused.",
        429: "Too many attempts.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code])
            for code in codes}


READ = (401, 403, 404)  # lists: 404 for a page past the end
READ_ONE = (401, 403, 404)
WRITE = (400, 401, 403, 404, 409)
