import pytest

from coverage.models import Product


@pytest.fixture
def cyber(db):
    return Product.objects.get(code="cyber")


@pytest.fixture
def it_liability(db):
    return Product.objects.get(code="it_liability")
