"""The admin's wording (issue 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_index_says_covered_cost_categories(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "Covered cost categories" in page
    assert "categorys" not in page
