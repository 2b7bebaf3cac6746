import pytest
from django.core.cache import cache

from tests.api.seed import make_seed


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Sign-in failure counts in a cache of this test process only (parallel workers share the
    Redis database, and a test empties its cache)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "api-tests"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def seed(db):
    return make_seed()
