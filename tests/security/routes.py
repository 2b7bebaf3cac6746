"""Every URL pattern of the project, from the resolver."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver

# Not part of the matrix, and why.
EXCLUDED_PREFIXES = (
    "admin/",  # Django admin: staff-only by Django itself, covered by the admin tests
    "static/",
    "media/",
)
EXCLUDED_NAMES = {
    # Django's own auth pages (public by design); the login page's rate limit has its own tests.
    "login", "logout", "password_change", "password_change_done", "password_reset",
    "password_reset_done", "password_reset_confirm", "password_reset_complete",
}


def all_routes(resolver, prefix: str = "", namespace: str = ""):
    """``(qualified name, route)`` for every pattern, walking includes recursively."""
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                pattern.namespace or namespace
            )
            yield from all_routes(pattern, route, inner or "")
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, route


def checked_routes(resolver):
    for name, route in all_routes(resolver):
        if route.startswith(EXCLUDED_PREFIXES) or name in EXCLUDED_NAMES:
            continue
        yield name, route


def api_routes(resolver) -> list[str]:
    """The OpenAPI paths of this API's own endpoints (``/api/...``, not the vendor API, the
    schema or the docs)."""
    paths = []
    for name, route in all_routes(resolver):
        if not (name or "").startswith("api:") or name in ("api:schema", "api:docs"):
            continue
        paths.append("/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route))
    return paths
