"""The request header ``Prefer`` (RFC 7240): which preferences a client states.

``Prefer: respond-async`` asks for 202 and a status resource instead of waiting for the write;
a header may hold several preferences (``respond-async, return=minimal``, or the header sent
twice), each a case-insensitive token with an optional value and parameters after ``;``.
"""

from __future__ import annotations

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

HEADER = "Prefer"
RESPOND_ASYNC = "respond-async"

PREFER_PARAMETER = OpenApiParameter(
    HEADER, OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="`respond-async`: answer 202 at once with a receipt (its status at "
                "`/api/me/reports/<id>/`, also in `Location`); the claim is registered moments "
                "later through the same rules. Without it: 201 with the claim.",
)

# One preference of the comma-separated list: commas inside a quoted value do not separate.
_PREFERENCE = re.compile(r'(?:[^,"]|"(?:\\.|[^"\\])*")+')


def preferences(request) -> set[str]:
    """The preference tokens of the request's ``Prefer`` header(s), lower case, without their
    values and parameters."""
    tokens = set()
    for preference in _PREFERENCE.findall(request.headers.get(HEADER, "")):
        token = preference.split(";", 1)[0].split("=", 1)[0].strip().lower()
        if token:
            tokens.add(token)
    return tokens


def prefers_async(request) -> bool:
    return RESPOND_ASYNC in preferences(request)
