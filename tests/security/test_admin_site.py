"""The admin site's app list is built once per permission key (``accounts.admin_site``) and a
permission is asked of the backends once per request: what a user sees must still be exactly
what Django shows them, and change as soon as their permissions or groups change."""

from __future__ import annotations

from collections import Counter

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _plain(app_list) -> list:
    return [(str(app["name"]), app["app_url"], app["has_module_perms"],
             [(str(model["name"]), model["admin_url"], model["add_url"], model["view_only"],
               sorted(model["perms"].items())) for model in app["models"]])
            for app in app_list]


@pytest.fixture
def people(adjuster, team_lead):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename="view_claim"))
    officer = UserFactory(username="officer", is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="handle_personal_data"))
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    return [adjuster, team_lead, clerk, officer, root]


@pytest.mark.parametrize("language", ["en", "de"])
def test_each_users_app_list_is_djangos(people, language):
    for user in people:
        for _ in range(2):  # built, then from the process's copy
            request = RequestFactory().get("/admin/")
            request.user = type(user).objects.get(pk=user.pk)
            with translation.override(language):
                assert _plain(admin.site.get_app_list(request)) == _plain(
                    AdminSite.get_app_list(admin.site, request))
                assert _plain(admin.site.get_app_list(request, "claims")) == _plain(
                    AdminSite.get_app_list(admin.site, request, "claims"))


def test_a_permission_given_or_taken_shows_on_the_next_page(client):
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(*Permission.objects.filter(codename="view_claim"))
    client.force_login(clerk)
    policies = reverse("admin:policies_policy_changelist")

    def sidebar():
        page = client.get(reverse("admin:claims_claim_changelist")).content.decode()
        return page[page.index('id="nav-sidebar"'):]

    assert policies not in sidebar()
    clerk.user_permissions.add(Permission.objects.get(codename="view_policy"))
    assert policies in sidebar()
    clerk.user_permissions.remove(Permission.objects.get(codename="view_policy"))
    assert policies not in sidebar()
    group = Group.objects.create(name="policy readers")
    group.permissions.add(Permission.objects.get(codename="view_policy"))
    clerk.groups.add(group)
    assert policies in sidebar()


def test_a_permission_is_asked_of_the_backends_once_per_request(
    client, adjuster, reported_claim, monkeypatch
):
    asked = Counter()
    original = ModelBackend.has_perm

    def has_perm(self, user_obj, perm, obj=None):
        if obj is None:
            asked[perm] += 1
        return original(self, user_obj, perm, obj)

    client.force_login(adjuster)
    url = reverse("admin:claims_claim_change", args=[reported_claim.pk])
    client.get(url)
    monkeypatch.setattr(ModelBackend, "has_perm", has_perm)
    assert client.get(url).status_code == 200
    assert asked and max(asked.values()) == 1


def test_each_users_permissions_are_the_model_backends(people):
    from accounts.backends import NormalisedUsernameBackend

    group = Group.objects.create(name="policy readers")
    group.permissions.add(Permission.objects.get(codename="view_policy"))
    people[2].groups.add(group)
    inactive = UserFactory(username="gone", is_staff=True, is_active=False)
    inactive.user_permissions.add(Permission.objects.get(codename="view_policy"))
    for user in [*people, inactive]:
        ours, django = (type(user).objects.get(pk=user.pk) for _ in range(2))
        backend = NormalisedUsernameBackend()
        assert backend.get_user_permissions(ours) == ModelBackend().get_user_permissions(django)
        assert backend.get_group_permissions(ours) == ModelBackend().get_group_permissions(
            django)
        assert backend.get_all_permissions(ours) == ModelBackend().get_all_permissions(django)
        assert backend.get_all_permissions(ours, obj=user) == set()
