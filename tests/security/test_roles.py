"""Segregation of duties: who may act as a vendor, who is in which group and how much anyone may
approve are changed by administrators only, never on their own account, and each change is
audited."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from claims.exceptions import PermissionDeniedError
from claims.models import AdjusterProfile
from claims.services.adjusters import adjuster_profile_set
from claims.vendors.models import VendorMembership
from config.models import AuditEntry
from tests.otp import staff_login


def _client(user):
    client = Client()
    staff_login(client, user)
    return client


def _membership_form(org, user_pk, prefix="memberships"):
    data = {
        "name": org.name, "contact_name": org.contact_name or "Contact",
        "contact_email": org.contact_email, "contact_phone": org.contact_phone,
        "services": [s.pk for s in org.services.all()], "nationwide": "on", "regions": "",
        "active": "on", "panel_member": "on" if org.panel_member else "",
        f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-user": str(user_pk), f"{prefix}-0-organisation": str(org.pk),
    }
    return data


def test_an_adjuster_cannot_add_themselves_to_a_vendor_organisation(seed):
    adjuster = seed.users["adjuster"]
    org = seed.job_x.organisation
    client = _client(adjuster)
    client.post(f"/admin/vendors/vendororganisation/{org.pk}/change/",
                _membership_form(org, adjuster.pk))
    assert not VendorMembership.objects.filter(user=adjuster).exists()


def test_an_adjuster_cannot_add_a_policyholder_to_a_vendor_organisation(seed):
    org = seed.job_x.organisation
    client = _client(seed.users["adjuster"])
    client.post(f"/admin/vendors/vendororganisation/{org.pk}/change/",
                _membership_form(org, seed.users["holder_a"].pk))
    assert not VendorMembership.objects.filter(user=seed.users["holder_a"]).exists()


def test_an_administrator_cannot_make_a_policyholder_or_themselves_a_vendor(seed):
    admin = seed.users["admin"]
    org = seed.job_x.organisation
    client = _client(admin)
    for user in (seed.users["holder_a"], admin):
        response = client.post(f"/admin/vendors/vendororganisation/{org.pk}/change/",
                               _membership_form(org, user.pk))
        assert response.status_code == 200
        assert not VendorMembership.objects.filter(user=user).exists()


def test_an_administrator_adds_a_vendor_login_and_it_is_audited(seed):
    from tests.factories import UserFactory

    newcomer = UserFactory(username="vendor.new")
    org = seed.job_x.organisation
    response = _client(seed.users["admin"]).post(
        f"/admin/vendors/vendororganisation/{org.pk}/change/", _membership_form(org, newcomer.pk))
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = VendorMembership.objects.get(user=newcomer)
    entry = AuditEntry.objects.get(action="vendor_membership.added")
    assert entry.actor == seed.users["admin"] and entry.object_id == str(membership.pk)


def test_a_team_lead_cannot_raise_their_own_approval_limit(seed):
    lead = seed.users["team_lead"]
    profile = lead.adjuster_profile
    with pytest.raises(PermissionDeniedError):
        adjuster_profile_set(user=lead, team_lead=None, approval_limit=10 ** 9, by=lead)
    client = _client(lead)
    response = client.post(f"/admin/claims/adjusterprofile/{profile.pk}/change/",
                           {"team_lead": "", "approval_limit": "999999999.00"})
    assert response.status_code == 403
    profile.refresh_from_db()
    assert profile.approval_limit == 100000


def test_a_team_lead_cannot_change_an_adjusters_limit_either(seed):
    lead = seed.users["team_lead"]
    with pytest.raises(PermissionDeniedError):
        adjuster_profile_set(user=seed.users["adjuster"], team_lead=lead,
                             approval_limit=10 ** 6, by=lead)


def test_an_administrator_sets_limits_but_not_their_own(seed):
    admin = seed.users["admin"]
    adjuster = seed.users["adjuster"]
    adjuster_profile_set(user=adjuster, team_lead=seed.users["team_lead"],
                         approval_limit=5000, by=admin)
    assert AdjusterProfile.objects.get(user=adjuster).approval_limit == 5000
    assert AuditEntry.objects.filter(action="adjuster_profile.set", actor=admin).exists()
    admin.groups.add(Group.objects.get(name="adjusters"))
    with pytest.raises(PermissionDeniedError):
        adjuster_profile_set(user=admin, team_lead=None, approval_limit=10 ** 9, by=admin)


def test_staff_cannot_change_users_or_groups(seed):
    lead = seed.users["team_lead"]
    client = _client(lead)
    assert client.get(f"/admin/auth/user/{lead.pk}/change/").status_code == 403
    assert client.get("/admin/auth/group/").status_code == 403


def test_an_administrator_cannot_change_their_own_roles(seed):
    admin = seed.users["admin"]
    client = _client(admin)
    page = client.get(f"/admin/auth/user/{admin.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page and 'name="groups"' not in page


def test_a_group_change_of_a_user_is_audited(seed):
    admin = seed.users["admin"]
    holder = seed.users["holder_b"]
    client = _client(admin)
    teams = Group.objects.get(name="team_leads")
    response = client.post(f"/admin/auth/user/{holder.pk}/change/", {
        "username": holder.username, "email": holder.email, "first_name": "", "last_name": "",
        "is_active": "on", "groups": [teams.pk], "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00", "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "10:00:00",
    })
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="user.roles_changed", object_id=str(holder.pk))
    assert entry.actor == admin
    assert "team_leads" in entry.to_value
