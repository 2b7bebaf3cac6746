"""The admin: every page renders, a policy shows its aggregate table, a sale in the admin goes
through policy_create's rules, cancellation goes through policy_cancel."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from config.models import AuditEntry
from coverage.models import Module
from policies.models import InsuranceYearAccount, Policy
from tests.factories import PolicyFactory, PolicyholderFactory, SuperuserFactory
from tests.otp import staff_login

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def admin_client(client):
    staff_login(client, SuperuserFactory())
    return client


@pytest.fixture
def policy(db):
    policy = PolicyFactory(
        start_date=date(2026, 1, 1),
        term_years=3,
        sections={"cyber_own_damage": D("500000"), "cyber_bi": D("250000")},
    )
    InsuranceYearAccount.objects.filter(
        section__module__code="cyber_own_damage", year=1
    ).update(committed=D("120000.00"))
    return policy


def admin_models():
    return sorted(
        (model._meta.app_label, model._meta.model_name)
        for model in admin.site._registry
        if model._meta.app_label in ("catalogue", "policies")
    )


@pytest.mark.parametrize(("app_label", "model_name"), admin_models())
def test_every_changelist_and_change_page_renders(admin_client, policy, app_label, model_name):
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200
    model = next(m for m in admin.site._registry if m._meta.model_name == model_name
                 and m._meta.app_label == app_label)
    obj = model.objects.order_by("pk").first()
    if obj is not None:
        url = reverse(f"admin:{app_label}_{model_name}_change", args=[obj.pk])
        assert admin_client.get(url).status_code == 200


def test_every_model_of_both_apps_is_registered():
    registered = set(admin.site._registry)
    for label in ("catalogue", "policies"):
        for model in apps.get_app_config(label).get_models():
            assert model in registered, model


def test_the_policy_page_shows_limit_committed_and_remaining_per_insurance_year(
    admin_client, policy
):
    response = admin_client.get(reverse("admin:policies_policy_change", args=[policy.pk]))
    page = response.content.decode()
    assert "aggregate-table" in page
    assert "<td>01.01.2026 to 31.12.2026</td>" in page
    assert "1,000,000.00" in page and "120,000.00" in page and "880,000.00" in page
    assert "500,000.00" in page  # business interruption: 250,000 x 2
    assert page.count("<tr><td>Cyber and data own damage</td>") == 3
    assert 'name="committed"' not in page
    assert "Cyber business interruption" in page  # the sections inline


def test_a_sold_policy_cannot_be_edited_or_deleted_in_the_admin(admin_client, policy):
    url = reverse("admin:policies_policy_change", args=[policy.pk])
    response = admin_client.post(url, {"deductible": "5000"})
    assert response.status_code == 403
    policy.refresh_from_db()
    assert policy.deductible == D("1000.00")
    assert admin_client.get(
        reverse("admin:policies_policy_delete", args=[policy.pk])
    ).status_code == 403


def test_accounts_cannot_be_changed_by_hand(admin_client, policy):
    account = InsuranceYearAccount.objects.get(
        section__policy=policy, section__module__code="cyber_own_damage", year=1
    )
    url = reverse("admin:policies_insuranceyearaccount_change", args=[account.pk])
    page = admin_client.get(url).content.decode()
    assert "120,000.00" in page or "120000.00" in page
    assert 'name="committed"' not in page
    assert admin_client.post(url, {"committed": "0.00", "limit": "1"}).status_code == 403
    account.refresh_from_db()
    assert (account.limit, account.committed) == (D("1000000.00"), D("120000.00"))


def sale_form(holder, product, sections, **fields):
    data = {
        "number": "",
        "policyholder": holder.pk,
        "product": product.pk,
        "start_date": "2026-02-01",
        "term_years": "1",
        "expiry_date": "",
        "deductible": "1000",
        "it_security_criterion": "",
        "sections-TOTAL_FORMS": str(len(sections)),
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
        "it_dependencies-TOTAL_FORMS": "0",
        "it_dependencies-INITIAL_FORMS": "0",
        **fields,
    }
    for index, (code, amount) in enumerate(sections.items()):
        data[f"sections-{index}-module"] = Module.objects.get(code=code).pk
        data[f"sections-{index}-sum_insured"] = amount
    return data


def test_a_policy_sold_in_the_admin_gets_its_sections_and_accounts(admin_client, cyber):
    holder = PolicyholderFactory()
    data = sale_form(
        holder, cyber, {"cyber_own_damage": "250000", "cyber_liability": "100000"},
        it_security_discount="on", it_security_criterion="isms", term_years="3",
    )
    response = admin_client.post(reverse("admin:policies_policy_add"), data)
    assert response.status_code == 302, response.context["errors"]
    policy = Policy.objects.get()
    assert policy.number == "CY-2026-000001"
    assert policy.expiry_date == date(2029, 2, 1)
    assert policy.sections.count() == 2
    assert InsuranceYearAccount.objects.filter(section__policy=policy).count() == 6
    assert AuditEntry.objects.filter(action="policy.created", object_id=str(policy.pk)).exists()


def test_the_sale_asks_for_the_providers_and_software_the_business_depends_on(admin_client,
                                                                             cyber):
    data = sale_form(PolicyholderFactory(), cyber, {"cyber_own_damage": "250000"},
                     **{"it_dependencies-TOTAL_FORMS": "2",
                        "it_dependencies-0-kind": "provider", "it_dependencies-0-name": "CloudHost",
                        "it_dependencies-1-kind": "software", "it_dependencies-1-name": "DATEV"})
    response = admin_client.post(reverse("admin:policies_policy_add"), data)
    assert response.status_code == 302, response.context["errors"]
    policy = Policy.objects.get()
    assert sorted(policy.it_dependencies.values_list("kind", "name")) == [
        ("provider", "CloudHost"), ("software", "DATEV")]
    assert AuditEntry.objects.filter(action="policy.dependencies_set").exists()


def test_the_add_page_renders(admin_client):
    assert admin_client.get(reverse("admin:policies_policy_add")).status_code == 200


@pytest.mark.parametrize(
    ("sections", "fields", "words"),
    [
        ({"cyber_bi": "100000"}, {}, "can only be bought with"),
        ({"cyber_own_damage": "200000"}, {}, "200,000.00 is not offered"),
        ({"cyber_own_damage": "100000", "itl_rpc": "250000"}, {}, "belongs to IT liability"),
        ({"cyber_own_damage": "100000"}, {"deductible": "700"}, "700.00 is not offered"),
        ({"cyber_own_damage": "100000"}, {"expiry_date": "2027-06-01"}, "later than start"),
        ({"cyber_own_damage": "100000"}, {"it_security_discount": "on"}, "needs a criterion"),
    ],
)
def test_the_admin_refuses_what_policy_create_refuses(admin_client, cyber, sections, fields, words):
    data = sale_form(PolicyholderFactory(), cyber, sections, **fields)
    response = admin_client.post(reverse("admin:policies_policy_add"), data)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Policy.objects.exists()


def test_the_admin_refuses_policyholders_that_are_not_sold_to(admin_client, cyber):
    holder = PolicyholderFactory(industry="financial_advice")
    data = sale_form(holder, cyber, {"cyber_own_damage": "100000"})
    response = admin_client.post(reverse("admin:policies_policy_add"), data)
    assert "separate application form" in response.content.decode()
    assert not Policy.objects.exists()


def test_cancel_action_asks_for_date_and_reason_then_cancels(admin_client, policy):
    url = reverse("admin:policies_policy_changelist")
    ask = admin_client.post(url, {"action": "cancel_policies", "_selected_action": [policy.pk]})
    assert ask.status_code == 200
    assert "cancelled_from" in ask.content.decode()
    done = admin_client.post(url, {
        "action": "cancel_policies", "_selected_action": [policy.pk], "apply": "1",
        "cancelled_from": "2026-09-01", "reason": "Policyholder gave notice.",
    })
    assert done.status_code == 302
    policy.refresh_from_db()
    assert (policy.status, policy.cancelled_from) == (Policy.Status.CANCELLED, date(2026, 9, 1))
