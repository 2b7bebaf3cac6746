"""Creating a policyholder with a portal login."""

from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError

from config.models import AuditEntry
from policies.models import Industry, Policyholder
from policies.services import policyholder_create

pytestmark = pytest.mark.django_db


def create(**overrides):
    arguments = {
        "company_name": "Muster Software",
        "contact_name": "Max Muster",
        "email": "max@example.com",
        "industry": Industry.IT_SERVICES,
        "annual_revenue": Decimal("120000"),
        "username": "max.muster",
        "password": "a-long-password-1",
        "created_by": None,
        **overrides,
    }
    return policyholder_create(**arguments)


def test_creates_the_policyholder_with_a_login_and_audits_it():
    holder = create()
    assert authenticate(username="max.muster", password="a-long-password-1") == holder.user
    assert (holder.user.first_name, holder.user.last_name) == ("Max", "Muster")
    assert AuditEntry.objects.filter(
        action="policyholder.created", object_id=str(holder.pk)
    ).exists()


def test_without_a_username_there_is_no_login():
    assert create(username=None).user is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"email": "not-an-address"}, "email"),
        ({"industry": "astrology"}, "industry"),
        ({"annual_revenue": "much"}, "annual_revenue"),
    ],
)
def test_invalid_fields_are_refused(overrides, field):
    with pytest.raises(ValidationError) as error:
        create(**overrides)
    assert field in error.value.message_dict
    assert not Policyholder.objects.exists()


def test_a_taken_username_is_refused():
    create()
    with pytest.raises(ValidationError) as error:
        create(company_name="Other")
    assert "username" in error.value.message_dict
    assert Policyholder.objects.count() == 1
