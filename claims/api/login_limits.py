"""Sign-in attempts are rate-limited per IP address and username: after
``LOGIN_FAILURES_ALLOWED`` failures within ``LOGIN_FAILURES_WINDOW_SECONDS`` further attempts
are refused (429 on the API, a form error on the page) until the window has passed. The counts
live in Django's cache (Redis in production)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

BLOCKED_MESSAGE = "Too many failed sign-in attempts. Please wait 15 minutes and try again."


def _key(request, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{address}|{username.strip().lower()}".encode()).hexdigest()
    return f"login-failures:{digest}"


def login_blocked(request, username: str) -> bool:
    return cache.get(_key(request, username), 0) >= settings.LOGIN_FAILURES_ALLOWED


def login_failed(request, username: str) -> None:
    key = _key(request, username)
    window = settings.LOGIN_FAILURES_WINDOW_SECONDS
    if cache.add(key, 1, timeout=window):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)


def login_succeeded(request, username: str) -> None:
    cache.delete(_key(request, username))
