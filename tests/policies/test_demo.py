"""The demo data: policyholders with logins and policies in force today, loaded idempotently."""

import io

import pytest
from django.contrib.auth import authenticate
from django.utils import timezone

from demo import policies as demo
from policies.models import CoverageSection, InsuranceYearAccount, Policy, Policyholder
from policies.selectors import cover_for_loss

pytestmark = pytest.mark.django_db


def counts():
    return (
        Policyholder.objects.count(),
        Policy.objects.count(),
        CoverageSection.objects.count(),
        InsuranceYearAccount.objects.count(),
    )


def test_loading_twice_changes_nothing_the_second_time():
    logins = demo.load(io.StringIO())
    first = counts()
    assert demo.load(io.StringIO()) == logins
    assert counts() == first
    assert first[0] >= 4


def test_logins_work_and_belong_to_policyholders():
    logins = demo.load(io.StringIO())
    assert ("policyholder", "anna.schmidt", "demo-policyholder-1") in logins
    for _role, username, password in logins:
        user = authenticate(username=username, password=password)
        assert user is not None and user.policyholder.company_name


def test_the_demo_policies_cover_both_products_and_are_in_force_today():
    demo.load(io.StringIO())
    today = timezone.localdate()
    policies = list(Policy.objects.all())
    assert {policy.product.code for policy in policies} == {"cyber", "it_liability"}
    for policy in policies:
        assert cover_for_loss(policy=policy, loss_date=today).section.module.kind == "base"
    modules = set(CoverageSection.objects.values_list("module__code", flat=True))
    assert {"itl_dcd", "itl_rpc", "cyber_bi", "cyber_liability"} <= modules
    assert Policy.objects.filter(it_security_discount=True, term_years=3).exists()
    assert Policy.objects.filter(term_years=1).exists()


def test_the_demo_data_command_loads_the_policies_first():
    from demo.management.commands.demo_data import DEMO_MODULES

    assert DEMO_MODULES[0] == "demo.policies"


def test_the_loader_reports_what_it_did():
    out = io.StringIO()
    demo.load(out)
    assert "4 policies created" in out.getvalue()
    out = io.StringIO()
    demo.load(out)
    assert "0 policies created" in out.getvalue()
