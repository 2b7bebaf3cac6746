"""The adjuster's desk (issue 15): the rough edges of the money on the claim page, each fixed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.urls import reverse

from claims.models import ClaimState
from claims.money import admin as money_admin
from claims.money.models import Payment, Settlement
from claims.money.services import cost_line_add, settlement_approve, settlement_propose
from tests.claims.desk_tabs import claim_page
from tests.factories import category

pytestmark = pytest.mark.django_db


def _approve_and_pay(**kwargs):
    """The approval as it runs where the payment task executes at once (eager Celery)."""
    settlement = settlement_approve(**kwargs)
    Settlement.objects.filter(pk=settlement.pk).update(state="paid")
    return Settlement.objects.get(pk=settlement.pk)


def test_an_approved_and_paid_settlement_is_not_flashed_as_refused(client, claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("3000"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_propose(claim=claim, by=adjuster)
    client.force_login(adjuster)

    with mock.patch.object(money_admin, "settlement_approve", _approve_and_pay):
        response = client.post(
            reverse("admin:money_settlement_decide", args=[claim.pk, settlement.pk]),
            {"decision": "approve", "reason": ""}, follow=True)

    text = [str(m) for m in response.context["messages"]]
    assert text == [f"Settlement {settlement.pk} approved and paid: 2,000.00."]


def test_payments_show_the_time_in_berlin_as_the_audit_does(client, claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("3000"),
                  payee_kind="policyholder", by=adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)
    Payment.objects.filter(claim=claim).update(
        status="paid", external_reference="BANK-1",
        paid_at=datetime(2026, 3, 10, 17, 30, tzinfo=UTC))
    client.force_login(adjuster)

    page = claim_page(client, reverse("admin:claims_claim_change", args=[claim.pk]))

    assert "10.03.2026 18:30" in page
    assert "10.03.2026 17:30" not in page


@pytest.mark.parametrize("who", ["adjuster", "team_lead"])
@pytest.mark.parametrize("model", ["ledgerentry", "payment", "settlement", "costline"])
def test_adjusters_and_team_leads_read_the_ledger_and_payments(client, claim, who, model, request):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse(f"admin:money_{model}_changelist")).status_code == 200
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse(f"admin:money_{model}_changelist") in index


def test_the_claim_stays_in_settlement_while_a_second_section_is_still_pending(
    claim, adjuster, team_lead
):
    own, interruption = claim.policy.sections.order_by("pk")[:2]
    cost_line_add(claim=claim, section=own, category=category("forensics"),
                  amount=Decimal("3000"), payee_kind="policyholder", by=adjuster)
    cost_line_add(claim=claim, section=interruption, category=category("interruption_loss"),
                  amount=Decimal("50000"), payee_kind="policyholder", by=adjuster)
    first = settlement_propose(claim=claim, section=own, by=adjuster)
    second = settlement_propose(claim=claim, section=interruption, by=adjuster)
    escalated = settlement_approve(settlement=second, by=adjuster)  # above 10,000: team lead
    assert escalated.state == "pending_team_lead"

    settlement_approve(settlement=first, by=adjuster)

    claim.refresh_from_db()
    assert claim.state == ClaimState.SETTLEMENT
    settlement_approve(settlement=second, by=team_lead)
    claim.refresh_from_db()
    assert claim.state != ClaimState.SETTLEMENT


def test_the_cost_line_payee_defaults_to_the_policyholder_on_a_first_party_claim(
    client, claim, adjuster
):
    client.force_login(adjuster)

    form = client.get(reverse("admin:money_cost_line_add", args=[claim.pk])).context["form"]

    assert form["payee_kind"].value() == "policyholder"
    assert [value for value, _ in form.fields["payee_kind"].choices] == ["policyholder"]


def test_the_preview_names_categories_and_limits_by_their_labels(client, claim, adjuster):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("3000"),
                  payee_kind="policyholder", by=adjuster)
    client.force_login(adjuster)

    page = claim_page(client, reverse("admin:claims_claim_change", args=[claim.pk]))

    assert "<td>forensics</td>" not in page
    assert f"<td>{category('forensics').name}</td>" in page


def test_the_team_lead_approves_from_the_queue_seeing_figures_and_explanation(
    client, claim, adjuster, team_lead
):
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("20000"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=adjuster)
    assert settlement.state == "pending_team_lead"
    queue = reverse("admin:money_settlement_changelist") + "?approval=mine"
    client.force_login(adjuster)
    assert "Approve or refuse" not in client.get(queue).content.decode()

    client.force_login(team_lead)
    page = client.get(queue).content.decode()
    decide = reverse("admin:money_settlement_decide", args=[claim.pk, settlement.pk])
    assert decide in page
    assert "payable 19,000.00" in page or "payable 19000.00" in page
    detail = client.get(decide).content.decode()
    assert "How it is calculated" in detail
    assert "Escalated by" in detail and str(adjuster) in detail
    response = client.post(decide, {"decision": "approve", "reason": ""})
    assert response.status_code == 302
    assert Settlement.objects.get(pk=settlement.pk).state == "approved"
    assert decide not in client.get(queue).content.decode()


def test_the_team_lead_reads_the_approvals_waiting_in_the_api(client, claim, adjuster,
                                                              team_lead):
    """``GET /api/settlements/awaiting-approval/``: the team lead's queue with the figures and
    the explanation; the adjuster who escalated it does not decide it."""
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("20000"),
                  payee_kind="policyholder", by=adjuster)
    settlement = settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster),
                                    by=adjuster)
    url = reverse("api:settlements-awaiting-approval")
    client.force_login(adjuster)
    assert client.get(url).json()["results"] == []

    client.force_login(team_lead)
    [row] = client.get(url).json()["results"]
    assert row["id"] == settlement.pk
    assert row["claim_number"] == claim.number
    assert row["proposed_payable"] == "19000.00"
    assert row["escalated_by"] == adjuster.get_username()
    assert row["explanation"]["steps"]
    approve = reverse("api:claim-settlement-approve", args=[claim.pk, settlement.pk])
    assert client.post(approve).status_code == 200
    assert client.get(url).json()["results"] == []


def _escalate(policy, holder_user, adjuster, *, days_ago):
    """A settlement of 19,000.00 escalated above the adjuster's limit, on a new claim."""
    from tests.factories import claim_in_settlement

    claim = claim_in_settlement(policy, reporter=holder_user, adjuster=adjuster,
                                days_ago=days_ago)
    cost_line_add(claim=claim, category=category("forensics"), amount=Decimal("20000"),
                  payee_kind="policyholder", by=adjuster)
    settlement_approve(settlement=settlement_propose(claim=claim, by=adjuster), by=adjuster)


@pytest.mark.parametrize("door", ["api", "admin"])
def test_the_approvals_waiting_read_the_same_queries_for_1_and_3_settlements(
    client, policy_100k, holder_user, adjuster, team_lead, door, django_assert_max_num_queries
):
    """The team lead's queue (API and admin), each with its figures and explanation: a fixed
    number of queries, whatever the number of settlements listed."""
    url = (reverse("api:settlements-awaiting-approval") if door == "api"
           else reverse("admin:money_settlement_changelist") + "?approval=mine")
    client.force_login(team_lead)
    _escalate(policy_100k, holder_user, adjuster, days_ago=1)
    with django_assert_max_num_queries(60) as one:
        page = client.get(url)
    assert page.status_code == 200
    _escalate(policy_100k, holder_user, adjuster, days_ago=2)
    _escalate(policy_100k, holder_user, adjuster, days_ago=3)
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url)
    listed = (len(page.json()["results"]) if door == "api"
              else page.content.decode().count("Approve or refuse"))
    assert listed == 3
