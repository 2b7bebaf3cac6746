"""The API's JSON parser: refuses, with a 400 in the error body, what the standard one turns
into a 500 or lets through to the database: nesting deeper than ``MAX_DEPTH``, lone
surrogates (``"\\ud800"``) and NUL characters, which PostgreSQL cannot store."""

from __future__ import annotations

import json

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 32


def _depth_exceeded(raw: bytes, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit`` (checked before parsing, so
    100,000 levels cost one pass and no recursion)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def _bad_string(value) -> str | None:
    """What is wrong with a string somewhere in ``value`` (keys included), or None."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return _("The JSON contains a NUL character (\\u0000), which no field accepts; "
                         "remove it.")
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return _("The JSON contains a lone surrogate (\\ud800-\\udfff), which is not "
                         "a character; send valid Unicode.")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        raw = stream.read() if stream is not None else b""
        if _depth_exceeded(raw, MAX_DEPTH):
            raise ParseError(_("JSON nested deeper than %(max_depth)s levels is not "
                               "accepted.") % {
                                 "max_depth": MAX_DEPTH})
        try:
            data = json.loads(raw.decode(encoding), parse_constant=_refuse_constant)
        except (ValueError, RecursionError) as error:
            raise ParseError(_("JSON parse error - %(error)s") % {"error": error}) from error
        problem = _bad_string(data)
        if problem:
            raise ParseError(problem)
        return data


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number in JSON")
