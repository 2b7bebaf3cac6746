import pytest


@pytest.fixture(autouse=True)
def _own_cache(locmem_cache):
    """Sign-in failure counts in a cache of this test process only (the root's ``locmem_cache``);
    ``seed`` is the root's too."""
