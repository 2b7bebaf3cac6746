"""The admin's wording (issue 15)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_index_says_covered_cost_categories(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()

    assert "Covered cost categories" in page
    assert "categorys" not in page


@pytest.mark.parametrize("who", ["admin", "team_lead", "adjuster"])
def test_the_start_pages_app_list_is_djangos_for_each_user(client, who, request, settings):
    """The app list is rendered once per process for each sidebar key: each user still sees
    Django's own list of what they may see and change, in their language."""
    from django.contrib import admin
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.utils import translation

    from tests.factories import SuperuserFactory

    user = SuperuserFactory() if who == "admin" else request.getfixturevalue(who)
    client.force_login(user)
    for language in ("de", "en"):
        page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=language)
        plain = RequestFactory().get(reverse("admin:index"))
        plain.user = user
        with translation.override(page.context["LANGUAGE_CODE"]):
            expected = render_to_string("admin/app_list.html", {
                "app_list": admin.site.get_app_list(plain), "show_changelinks": True,
                "request": plain})
        assert expected.strip() in page.content.decode()
